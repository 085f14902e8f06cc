import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Datasets: see driver.ts and suite.ts.

faultFile("Dataset");
