/* GDT selectors (see cpu_setup.c), usable from assembly. */
#pragma once

#define SEL_KCODE  0x08
#define SEL_KDATA  0x10
#define SEL_UDATA  0x1b   /* 0x18 | RPL 3 */
#define SEL_UCODE  0x23   /* 0x20 | RPL 3 */
#define SEL_TSS    0x28
