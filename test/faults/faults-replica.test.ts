import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Replicas: see driver.ts and suite.ts.

faultFile("Replica");
