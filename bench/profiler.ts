import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * CPU profiles of a chosen window, through the in-process inspector (no --cpu-prof for the whole life of a process).
 * Loaded into each app with `node --require`: when BENCH_PROFILE_PREFIX is set, the IPC message bench:profile-start
 * starts a profile and bench:profile-stop writes it to `<prefix>-<n>.cpuprofile` and answers with the file name. The
 * harness profiles its own process with profileSelf.
 */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SAMPLING_INTERVAL_US = 500;

function start(): Session {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  session.post('Profiler.start');
  return session;
}

function stop(session: Session): Promise<CpuProfile> {
  return new Promise((resolve, reject) =>
    session.post('Profiler.stop', (error, result) => {
      session.disconnect();
      if (error) reject(error);
      else resolve(result.profile as unknown as CpuProfile);
    }),
  );
}

/** Runs `fn` under the profiler of this process. */
export async function profileSelf<T>(fn: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = start();
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await stop(session).catch(() => undefined);
    throw e;
  }
  return { result, profile: await stop(session) };
}

// A short-lived command's own peak RSS and CPU time, which /proc no longer shows once it has exited (stderr is a pipe: written synchronously).
if (process.env.BENCH_REPORT_USAGE)
  process.on('exit', () => {
    const u = process.resourceUsage();
    process.stderr.write(`\nbench:usage=${JSON.stringify({ maxRssKb: u.maxRSS, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 })}\n`);
  });

const prefix = process.env.BENCH_PROFILE_PREFIX;
if (prefix && process.send) {
  // Over the IPC channel, not a signal: Nest's shutdown hooks take SIGUSR2 and the rest, Node keeps SIGUSR1.
  let session: Session | undefined;
  let n = 0;
  process.on('message', (m: unknown) => {
    if (m === 'bench:profile-start' && !session) {
      session = start();
      process.send!({ profiling: true });
    } else if (m === 'bench:profile-stop' && session) {
      const file = `${prefix}-${++n}.cpuprofile`;
      void stop(session).then((profile) => {
        writeFileSync(file, JSON.stringify(profile));
        process.send!({ profile: file });
      });
      session = undefined;
    }
  });
  process.channel?.unref(); // the channel must not keep an app alive
}
