import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Bridges: see driver.ts and suite.ts.

faultFile("Bridge");
