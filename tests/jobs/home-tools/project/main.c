#include <stdio.h>

int main(void)
{
        puts("built with the image's toolchain");
        return 0;
}
