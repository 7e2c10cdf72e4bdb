/** Builds the kernel workspace with cargo, if cargo is installed. */
const KERNELS_DIR = new URL("../kernels/", import.meta.url).pathname;

export async function buildKernels(): Promise<boolean> {
  let child;
  try {
    child = new Deno.Command("cargo", {
      args: ["build", "--release", "--quiet"],
      cwd: KERNELS_DIR,
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    console.error(
      'prepare: cargo not found; Rust kernels not built (kernels set to "auto" use JS twins)',
    );
    return false;
  }
  const { success } = await child.status;
  if (!success) throw new Error("cargo build --release failed in kernels/");
  return true;
}
