/* SPDX-License-Identifier: Apache-2.0 */
#include "buildid.h"

#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Notes are padded to 4 bytes in both ELF classes. */
static size_t note_align(size_t n)
{
        return (n + 3) & ~(size_t)3;
}

/* The NT_GNU_BUILD_ID note among the notes of [p, end), in hex into ret; false when none. */
static bool find_note(const unsigned char *p, const unsigned char *end, char *ret)
{
        while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
                const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
                const unsigned char *name = p + sizeof(*n), *desc;
                size_t name_size = note_align(n->n_namesz), desc_size = note_align(n->n_descsz);

                if (name_size > (size_t)(end - name))
                        return false;
                desc = name + name_size;
                if (desc_size > (size_t)(end - desc))
                        return false;
                if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                    memcmp(name, "GNU", 4) == 0 && n->n_descsz > 0 &&
                    2 * (size_t)n->n_descsz < RW_BUILD_ID_MAX) {
                        for (size_t i = 0; i < n->n_descsz; i++)
                                snprintf(ret + 2 * i, 3, "%02x", desc[i]);
                        return true;
                }
                p = desc + desc_size;
        }
        return false;
}

/* dl_iterate_phdr() reports the executable first: only that one is looked at. */
static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
        (void)size;
        for (size_t i = 0; i < info->dlpi_phnum; i++) {
                const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
                const unsigned char *start;

                if (ph->p_type != PT_NOTE)
                        continue;
                start = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
                if (find_note(start, start + ph->p_memsz, data))
                        break;
        }
        return 1;
}

void rw_build_id(char ret[RW_BUILD_ID_MAX])
{
        ret[0] = '\0';
        dl_iterate_phdr(first_object, ret);
}
