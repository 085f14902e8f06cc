import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Snapshots: see driver.ts and suite.ts.

faultFile("Snapshot");
