#!/usr/bin/env bash
# Cold start of the custom handler: the time from starting the process to its first HTTP answer,
# which on a plan that scales from zero is added to the first LINE message's latency.
#   scripts/cold-start.sh [--runs N] [--variants "jit r2r aot"] [published folder...]
# Without folders it publishes each variant into a temporary folder:
#   jit  framework-dependent, JIT only (dotnet publish --configuration Release)
#   r2r  the deployment package: scripts/package.sh (self-contained linux-x64, ReadyToRun)
#   aot  Native AOT (-p:PublishAot=true; needs clang, or gcc, to link); its trim and AOT warnings are
#        counted and printed, and it is measured even when there are some
# With folders it measures those (each holding LineConnector.Functions or LineConnector.Functions.dll).
#
# Each run starts the handler as the Functions host does: from its folder, with FUNCTIONS_CUSTOMHANDLER_PORT
# and only the app settings hosted mode requires, pointed at hosts under .invalid (the Azure clients
# contact them only when a store, the vault or the queue is used, which the measured request does not).
# The measured request is the webhook for a channel id the handler refuses before reading any store
# (POST /api/line/cold.start, 404), polled every 2 ms from the moment the process starts. One
# unmeasured run first brings the files into the page cache. Prints, per variant, the wall time
# (min, median, max) and the median CPU time the handler used until it answered.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=10
variants="jit r2r aot"
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) folders+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "--runs must be a positive number, not '$runs'" >&2; exit 2 ;; esac
command -v python3 >/dev/null || { echo "cold-start.sh needs python3 (it polls the port and reads /proc)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project=LineConnector.Functions/LineConnector.Functions.csproj

publish() {
  local variant="$1" out="$work/$1"
  echo "publishing $variant..." >&2
  case "$variant" in
    jit)
      dotnet publish "$project" --configuration Release --output "$out" --nologo >"$work/$variant.log" 2>&1 \
        || { cat "$work/$variant.log" >&2; return 1; } ;;
    r2r)
      bash scripts/package.sh "$out" >"$work/$variant.log" 2>&1 || { cat "$work/$variant.log" >&2; return 1; }
      out="$out/LineConnector.Functions" ;;
    aot)
      local linker=()
      if ! command -v clang >/dev/null; then
        command -v gcc >/dev/null || { echo "aot: no clang or gcc to link with; skipped" >&2; return 1; }
        linker=(-p:CppCompilerAndLinker=gcc)
      fi
      # Warnings stay warnings here so that they can be counted: each is a place where trimming may
      # remove what reflection needs at run time, which no test of the JIT build would see.
      if ! dotnet publish "$project" --configuration Release --runtime linux-x64 -p:PublishAot=true "${linker[@]}" \
          -p:TreatWarningsAsErrors=false --output "$out" --nologo >"$work/$variant.log" 2>&1; then
        cat "$work/$variant.log" >&2; return 1
      fi
      local warnings
      warnings=$(grep -oE 'warning (IL|SYSLIB)[0-9]+: [^(]*' "$work/$variant.log" | sort -u || true)
      echo "aot: $(printf '%s' "$warnings" | grep -c . || true) distinct trim/AOT warning(s)" >&2
      [ -z "$warnings" ] || printf '%s\n' "$warnings" >&2 ;;
    *) echo "unknown variant: $variant" >&2; return 1 ;;
  esac
  echo "$out"
}

if [ ${#folders[@]} -eq 0 ]; then
  labels=()
  for variant in $variants; do
    if folder=$(publish "$variant"); then
      folders+=("$folder"); labels+=("$variant")
    fi
  done
else
  labels=("${folders[@]}")
fi
[ ${#folders[@]} -gt 0 ] || { echo "nothing to measure" >&2; exit 1; }

echo "| variant | runs | min (ms) | median (ms) | max (ms) | CPU until answered, median (ms) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for i in "${!folders[@]}"; do
  python3 - "${labels[$i]}" "${folders[$i]}" "$runs" <<'PY'
import os, socket, statistics, subprocess, sys, time

label, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
native = os.path.join(folder, "LineConnector.Functions")
command = [native] if os.path.isfile(native) else ["dotnet", os.path.join(folder, "LineConnector.Functions.dll")]
# What hosted mode requires (ConnectorHost, ChannelServices, TableStorageSettings), as infra/main.bicep sets it.
settings = {
    "ServiceBusConnection__fullyQualifiedNamespace": "cold-start.servicebus.invalid",
    "ServiceBusConnection__clientId": "00000000-0000-0000-0000-000000000001",
    "TableStorage__tableServiceUri": "https://cold-start.table.invalid/",
    "TableStorage__clientId": "00000000-0000-0000-0000-000000000001",
    "KeyVault__vaultUri": "https://cold-start.vault.invalid/",
    "KeyVault__clientId": "00000000-0000-0000-0000-000000000001",
}
request = b"POST /api/line/cold.start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
ticks = os.sysconf("SC_CLK_TCK")
limit = 60  # seconds: a loaded machine is slow, a stuck handler is not waited for longer

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def run():
    port = free_port()
    env = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "DOTNET_ROOT") if k in os.environ}
    env.update(settings)
    env["FUNCTIONS_CUSTOMHANDLER_PORT"] = str(port)
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while process.poll() is None and time.monotonic() - start < limit:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=limit)
            except TimeoutError:
                break
            except OSError:
                time.sleep(0.002)
                continue
            with connection:
                connection.sendall(request)
                try:
                    answer = connection.recv(64)
                except TimeoutError:
                    break
            elapsed = (time.monotonic() - start) * 1000
            stat = open(f"/proc/{process.pid}/stat").read().rsplit(")", 1)[1].split()
            cpu = (int(stat[11]) + int(stat[12])) * 1000 / ticks
            status = answer.split(b" ")[1].decode() if answer.startswith(b"HTTP/") else "none"
            if status != "404":
                sys.exit(f"{label}: expected 404 from the webhook, got {status}")
            return elapsed, cpu
        process.kill()
        sys.exit(f"{label}: no answer within {limit} s; it wrote:\n{process.communicate()[1].decode(errors='replace')}")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()

run()
samples = [run() for _ in range(runs)]
wall = [w for w, _ in samples]
print(f"| {label} | {runs} | {min(wall):.0f} | {statistics.median(wall):.0f} | {max(wall):.0f} | {statistics.median(c for _, c in samples):.0f} |")
PY
done
