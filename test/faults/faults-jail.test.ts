import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Jails: see driver.ts and suite.ts.

faultFile("Jail");
