/*
 * Linked into the NativeAOT `composer` (HugePages.targets). NativeAOT starts by rehydrating its type data into the
 * executable's zero-filled data (the `.hydrated` section, ~16 MB): written page by page, that is ~4,000 page faults,
 * a third of a short command's CPU. This constructor runs before main (before the runtime starts) and asks the kernel
 * for transparent huge pages there, so the same memory comes in a few 2 MB faults. Where THP is off, or the call is
 * not supported, nothing changes. COMPOSER_HUGEPAGES=0 leaves it out (to compare).
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int advise_executable_bss(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W) || ph->p_memsz <= ph->p_filesz) continue;
        /* The zero-filled tail of the writable segment (.bss, .hydrated), from the first page with no file data. */
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
        if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
    return 1; /* the first object reported is the executable itself: stop there */
}

__attribute__((constructor)) static void composer_hydrated_hugepages(void)
{
    const char *setting = getenv("COMPOSER_HUGEPAGES");
    if (setting != NULL && strcmp(setting, "0") == 0) return;
    dl_iterate_phdr(advise_executable_bss, NULL);
}
