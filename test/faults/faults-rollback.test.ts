import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Rollbacks: see driver.ts and suite.ts.

faultFile("Rollback");
