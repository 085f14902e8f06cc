// A broken plugin: prints a banner before its port, as a stray console.log in a provider would.
process.stdout.write("starting freebsd provider...\n12345\n");
setInterval(() => {}, 1000);
