import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Limits: see driver.ts and suite.ts.

faultFile("Limit");
