import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Epairs: see driver.ts and suite.ts.

faultFile("Epair");
