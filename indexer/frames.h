/* Multi-frame .zst files decoded by several threads: the frames of a file
 * (found by walking frame and block headers) are decompressed in parallel
 * and delivered in order, so context that carries forward stays exact.
 * Internal to wsuslog-index. */
#ifndef WL_FRAMES_H
#define WL_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "cputime.h"
#include "source.h"

typedef struct wl_frames_reader wl_frames_reader;

/* If the file open on fd (size bytes) is a zstd stream of at least two
 * frames whose decompressed sizes are all recorded, and at least two frames
 * fit in WL_FRAMES_MEM_MAX, start up to `threads` decoders and return a
 * reader in *out (caller owns: wl_frames_close). Otherwise return WL_OK with
 * *out NULL: the caller uses the streaming decoder, which also reports
 * truncation and damage. max_out caps the total decompressed size. Each
 * decoder thread adds its CPU time to cpu (WL_THREAD_FRAMES; NULL: not
 * counted). */
wl_status wl_frames_open(wl_frames_reader **out, int fd, uint64_t size, unsigned threads,
                         uint64_t max_out, wl_cputime *cpu);

/* The reader interface over the decompressed bytes. */
wl_reader *wl_frames_base(wl_frames_reader *fr);

/* Frames found and decoder threads used. */
size_t wl_frames_count(const wl_frames_reader *fr);
unsigned wl_frames_threads(const wl_frames_reader *fr);

/* Stop and join the decoders; NULL is a no-op. */
void wl_frames_close(wl_frames_reader *fr);

#endif
