/* aborter: calls abort(). Without signals (raise answers ENOSYS) musl's
 * abort ends in its crash instruction, hlt, a #GP in user mode: the root
 * server reports it and the other components keep running
 * (projects/crashtest). Its message comes first, through the console. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("aborter: calling abort()\n");
    abort();
}
