// The RUN tests' harness, in place of the snippet's own call (test/snippets/harness/README.md).
const harnessPath = process.env.CHOREO_HARNESS_PATH;
const harnessRound = async (count) => {
  const results = await Promise.allSettled(Array.from({ length: count }, () => callService(harnessPath)));
  for (const r of results) {
    console.log(
      r.status === 'fulfilled' ? `ok ${String(r.value).replace(/\n/g, ' ')}` : `error ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`,
    );
  }
};
void (async () => {
  await harnessRound(2);
  await new Promise((resolve) => {
    process.stdin.once('data', resolve);
    process.stdin.once('end', resolve);
    process.stdin.resume();
  });
  process.stdin.pause();
  await harnessRound(1);
  process.exit(0);
})();
