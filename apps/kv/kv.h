/* The "kv" portal's protocol (apps/kv/main.c). */
#pragma once
#define KV_PUT   1u
#define KV_GET   2u
#define KV_CRASH 3u
#define KV_EXIT  4u   /* w1 = exit code */

#define KV_OK    0u
#define KV_NOENT 1u
#define KV_FULL  2u
#define KV_BADOP 3u
