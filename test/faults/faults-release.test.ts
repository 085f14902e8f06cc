import { faultFile } from "./suite.ts";

// Faults (issue 13) for freebsd Releases: see driver.ts and suite.ts.

faultFile("Release");
