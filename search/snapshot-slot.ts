/**
 * Replicas may share one data volume (the compose scale profile does), but an index snapshot
 * must have one writer. Each process takes a numbered slot directory under `<root>/` and keeps
 * it by rewriting `claim.json` every few seconds; a slot whose claim is older than
 * `STALE_MS`, or whose process is gone from this host, is free. Any slot's snapshot is a valid
 * resume point for any instance (it names its database and model), so which one a restarted
 * replica gets does not matter.
 */
const STALE_MS = 15_000;
const HEARTBEAT_MS = 3_000;
/** Time for a competing claimant's write to land before the claim is read back. */
const SETTLE_MS = 100;
const MAX_SLOTS = 64;

interface Claim {
  owner: string;
  host: string;
  pid: number;
  at: number;
}

export interface SnapshotSlot {
  dir: string;
  release(): Promise<void>;
}

/** A slot directory this process holds until `release()` (or until it dies); null when all
 * `MAX_SLOTS` are taken. */
export async function claimSnapshotSlot(root: string): Promise<SnapshotSlot | null> {
  const owner = crypto.randomUUID();
  for (let n = 0; n < MAX_SLOTS; n++) {
    const dir = `${root}/${n}`;
    const current = await readClaim(dir);
    if (current && held(current)) continue;
    await Deno.mkdir(dir, { recursive: true });
    await writeClaim(dir, owner);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    if ((await readClaim(dir))?.owner !== owner) continue;
    const heartbeat = setInterval(() => void writeClaim(dir, owner).catch(() => {}), HEARTBEAT_MS);
    Deno.unrefTimer(heartbeat);
    return {
      dir,
      async release() {
        clearInterval(heartbeat);
        if ((await readClaim(dir))?.owner === owner) await Deno.remove(`${dir}/claim.json`);
      },
    };
  }
  return null;
}

/** Fresh, and on this host its process still runs (a killed one frees its slot at once). */
function held(claim: Claim): boolean {
  if (Date.now() - claim.at >= STALE_MS) return false;
  if (claim.host !== Deno.hostname() || Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${claim.pid}`);
    return true;
  } catch {
    return false;
  }
}

async function readClaim(dir: string): Promise<Claim | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/claim.json`)) as Claim;
  } catch {
    return null;
  }
}

async function writeClaim(dir: string, owner: string): Promise<void> {
  const claim: Claim = { owner, host: Deno.hostname(), pid: Deno.pid, at: Date.now() };
  const temp = `${dir}/claim.${owner}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(claim));
  await Deno.rename(temp, `${dir}/claim.json`);
}
