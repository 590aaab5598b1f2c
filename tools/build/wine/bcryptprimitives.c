/*
 * Stand-in for Windows' bcryptprimitives.dll, only for running our Windows test binaries under Debian 12's
 * wine 8.0, which lacks that DLL: Rust's standard library (1.78+) imports ProcessPrng from it for its
 * random keys. Real Windows 10 and later have it; this file is never shipped.
 * ProcessPrng fills the buffer with random bytes and never fails on Windows; here RtlGenRandom
 * (advapi32's SystemFunction036) does the work, in pieces its ULONG length can take.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG piece = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, piece)) {
            return FALSE;
        }
        data += piece;
        length -= piece;
    }
    return TRUE;
}
