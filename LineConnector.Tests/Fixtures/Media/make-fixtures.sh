#!/usr/bin/env bash
# Makes the media fixtures beside this script with ffmpeg (5.1 or later, built with libx264,
# libx265, libmp3lame, libvorbis, libopus, libwebp and libaom). The files are committed; the tests
# only read them. Each is about one second of synthetic picture and tone, kept tiny on purpose.
# ffmpeg cannot write HEIC; the tests build an HEIC 'ftyp' header in code instead.
set -euo pipefail
cd "$(dirname "$0")"

ff() { ffmpeg -hide_banner -loglevel error -y -nostdin "$@"; }
picture=(-f lavfi -i "testsrc=size=96x64:rate=10:duration=1")
tone=(-f lavfi -i "sine=frequency=440:sample_rate=44100:duration=1")
tone2=(-f lavfi -i "sine=frequency=880:sample_rate=44100:duration=1")
# Bit-exact output across runs: no encoder version strings or creation times in the files.
plain=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)

# Images: PNG and JPEG are accepted; GIF, WebP and AVIF are named and refused.
ff "${picture[@]}" -frames:v 1 "${plain[@]}" image.png
ff "${picture[@]}" -frames:v 1 -q:v 5 "${plain[@]}" image.jpg
ff "${picture[@]}" -frames:v 1 "${plain[@]}" image.gif
ff "${picture[@]}" -frames:v 1 -c:v libwebp -quality 50 "${plain[@]}" image.webp
ff "${picture[@]}" -frames:v 1 -c:v libaom-av1 -still-picture 1 -crf 50 -cpu-used 8 "${plain[@]}" image.avif

x264=(-c:v libx264 -preset veryfast -crf 40 -pix_fmt yuv420p -g 10)
aac=(-c:a aac -b:a 32k -ac 1)

# Video: H.264 + AAC with 'moov' before 'mdat' (faststart) and after it (ffmpeg's default).
ff "${picture[@]}" "${tone[@]}" "${x264[@]}" "${aac[@]}" -movflags +faststart "${plain[@]}" video-h264-aac.mp4
ff "${picture[@]}" "${tone[@]}" "${x264[@]}" "${aac[@]}" "${plain[@]}" video-h264-aac-moov-at-end.mp4
# Video LINE refuses: HEVC, MPEG-4 Part 2, VP9, two audio streams, MP3 audio, a 3GP container.
ff "${picture[@]}" "${tone[@]}" -c:v libx265 -preset ultrafast -crf 40 -tag:v hvc1 -x265-params log-level=error "${aac[@]}" -movflags +faststart "${plain[@]}" video-hevc-aac.mp4
ff "${picture[@]}" "${tone[@]}" -c:v mpeg4 -q:v 20 "${aac[@]}" -movflags +faststart "${plain[@]}" video-mpeg4-aac.mp4
ff "${picture[@]}" "${tone[@]}" -c:v libvpx-vp9 -crf 60 -b:v 0 -deadline realtime -cpu-used 8 "${aac[@]}" -movflags +faststart "${plain[@]}" video-vp9-aac.mp4
ff "${picture[@]}" "${tone[@]}" "${tone2[@]}" -map 0:v -map 1:a -map 2:a "${x264[@]}" "${aac[@]}" -movflags +faststart "${plain[@]}" video-h264-two-aac.mp4
ff "${picture[@]}" "${tone[@]}" "${x264[@]}" -c:a libmp3lame -b:a 32k -ac 1 -movflags +faststart "${plain[@]}" video-h264-mp3.mp4
ff "${picture[@]}" "${tone[@]}" "${x264[@]}" "${aac[@]}" -f 3gp "${plain[@]}" video-h264-aac.3gp

# Audio: M4A (AAC) and MP3 are accepted; ADTS AAC, WAV and MP2 need converting; Ogg is refused.
ff "${tone[@]}" "${aac[@]}" -f ipod "${plain[@]}" audio-aac.m4a
ff "${tone[@]}" -c:a libmp3lame -b:a 32k -ac 1 -id3v2_version 3 -metadata title=Tone -write_xing 1 -fflags +bitexact audio.mp3
ff "${tone[@]}" -c:a pcm_s16le -ac 1 -ar 8000 "${plain[@]}" audio.wav
ff "${tone[@]}" "${aac[@]}" -f adts "${plain[@]}" audio.aac
ff "${tone[@]}" -c:a libvorbis -q:a 0 -ac 1 "${plain[@]}" audio-vorbis.ogg
ff "${tone[@]}" -c:a libopus -b:a 16k -ac 1 "${plain[@]}" audio-opus.ogg
ff "${tone[@]}" -c:a mp2 -b:a 64k -ac 1 -ar 44100 "${plain[@]}" -f mp2 audio.mp2

ls -l
