// A broken plugin: dies before printing a port.
process.stderr.write("boom: cannot load config\n");
process.exit(3);
