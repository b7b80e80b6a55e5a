#!/usr/bin/env bash
# Compares the connector's media probe with ffprobe on the same files.
#
#   bash scripts/bench-probe-vs-ffprobe.sh [--quick]
#
# For each file it reports
#   - wall time per run, by hyperfine, of `ffprobe` and of `line-connector check-media --json`
#     (both whole processes, so the figure includes process start-up: .NET's is most of ours;
#     `line-connector --help` is timed as the start-up baseline);
#   - bytes each process read from the media file, by strace: every read/pread64/readv/preadv
#     on a descriptor that strace -y resolves to the file's path, summed (reads of libraries and
#     configuration are not counted); and the number of such read calls;
# then runs the BenchmarkDotNet benchmark MediaProbeBenchmarks for the in-process time of the probe.
# Needs ffmpeg, ffprobe, hyperfine, strace and the .NET SDK. Larger media are made with ffmpeg
# in a temporary folder; the committed fixtures are measured as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=false
[ "${1:-}" = "--quick" ] && quick=true

for tool in ffmpeg ffprobe hyperfine strace dotnet; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install -y ffmpeg hyperfine strace)"; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
media="$work/media"
mkdir -p "$media"

echo "Making larger media in $media ..." >&2
ff() { ffmpeg -hide_banner -loglevel error -y -nostdin "$@"; }
ff -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=30" -f lavfi -i "sine=frequency=440:duration=30" \
  -c:v libx264 -preset ultrafast -b:v 4M -pix_fmt yuv420p -c:a aac -b:a 128k "$media/video-30s-720p-moov-at-end.mp4"
ff -i "$media/video-30s-720p-moov-at-end.mp4" -c copy -movflags +faststart "$media/video-30s-720p-faststart.mp4"
ff -f lavfi -i "sine=frequency=440:duration=180" -c:a libmp3lame -b:a 128k "$media/audio-180s.mp3"
ff -f lavfi -i "sine=frequency=440:duration=180" -c:a aac -b:a 128k "$media/audio-180s.m4a"
ff -f lavfi -i "sine=frequency=440:duration=60" -ac 2 -c:a pcm_s16le "$media/audio-60s.wav"

echo "Building the command line (Release) ..." >&2
dotnet build LineConnector.Cli -c Release -o "$work/cli" -v quiet -nologo >&2
cli="$work/cli/line-connector"

fixtures="$root/LineConnector.Tests/Fixtures/Media"
files=(
  "$fixtures/image.jpg"
  "$fixtures/video-h264-aac.mp4"
  "$fixtures/video-h264-aac-moov-at-end.mp4"
  "$fixtures/audio.mp3"
  "$media/video-30s-720p-moov-at-end.mp4"
  "$media/video-30s-720p-faststart.mp4"
  "$media/audio-180s.mp3"
  "$media/audio-180s.m4a"
  "$media/audio-60s.wav"
)

runs=30
$quick && runs=5

# bytes and read calls a command took from one file, by strace
file_reads() {
  local file=$1; shift
  strace -f -qq -y -e trace=read,pread64,readv,preadv -o "$work/strace.txt" "$@" >/dev/null 2>&1 || true
  grep -F "<$file>" "$work/strace.txt" | grep -oE '= [0-9]+$' | awk '{ bytes += $2; calls++ } END { printf "%d %d", bytes, calls }'
}

mean_ms() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $2 * 1000 }' "$1"; }

hyperfine --warmup 3 --runs "$runs" --export-csv "$work/startup.csv" "$cli --help" >/dev/null 2>&1
echo
echo "Start-up of the .NET command line alone (line-connector --help): $(mean_ms "$work/startup.csv" 1) ms"
echo
echo "| file | size (bytes) | ffprobe time (ms) | check-media time (ms) | ffprobe bytes read (reads) | check-media bytes read (reads) | verdict |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for file in "${files[@]}"; do
  name=$(basename "$file")
  size=$(stat -c %s "$file")
  ffprobe_cmd="ffprobe -v error -show_format -show_streams -of json '$file'"
  probe_cmd="$cli check-media '$file' --json"
  hyperfine --warmup 3 --runs "$runs" -N --export-csv "$work/times.csv" --ignore-failure "$ffprobe_cmd" "$probe_cmd" >/dev/null 2>&1
  read -r ff_bytes ff_calls <<<"$(file_reads "$file" ffprobe -v error -show_format -show_streams -of json "$file")"
  read -r our_bytes our_calls <<<"$(file_reads "$file" "$cli" check-media "$file" --json)"
  verdict=$("$cli" check-media "$file" --json | grep -oE '"verdict": "[a-z]+"' | cut -d'"' -f4 || true)
  printf '| %s | %s | %s | %s | %s (%s) | %s (%s) | %s |\n' "$name" "$size" \
    "$(mean_ms "$work/times.csv" 1)" "$(mean_ms "$work/times.csv" 2)" "$ff_bytes" "$ff_calls" "$our_bytes" "$our_calls" "$verdict"
done

echo
echo "In-process probe time (BenchmarkDotNet):" >&2
export LINECONNECTOR_BENCH_MEDIA="$media"
job=()
$quick && job=(--job dry)
dotnet run -c Release --project LineConnector.Benchmarks -- --filter '*MediaProbeBenchmarks*' ${job[@]+"${job[@]}"} --exporters github --artifacts "$work/bdn" >&2
cat "$work/bdn/results/"*MediaProbeBenchmarks*-report-github.md
