import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Commands: see driver.ts and suite.ts.

faultFile("Command");
