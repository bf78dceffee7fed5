/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount table as the kernel writes it (proc(5)): numbers, octal escapes, optional fields
 * before the "-", and lines that are not a mount table's.
 */
#include "testutil.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "mountinfo.h"

static void test_parse(void **state)
{
        static const char text[] =
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
            "1234567 22 0:4711 /a\\040b\\134c /mnt/with\\040space rw master:2 shared:3 - "
            "tmpfs my\\011src rw,size=10k\n"
            "\n"
            "30 22 0:5 /run/containerd /run/containerd rw - tmpfs tmpfs rw";
        struct rw_mountinfo mi = {0};
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(rw_mountinfo_parse(text, &mi, &err), 0);
        assert_int_equal(mi.n, 3);
        assert_int_equal(mi.mounts[0].id, 22);
        assert_int_equal(mi.mounts[0].parent, 1);
        assert_int_equal(mi.mounts[0].major, 254);
        assert_int_equal(mi.mounts[0].minor, 0);
        assert_string_equal(mi.mounts[0].fstype, "ext4");
        assert_string_equal(mi.mounts[0].source, "/dev/vda");
        assert_int_equal(mi.mounts[1].id, 1234567);
        assert_int_equal(mi.mounts[1].minor, 4711);
        assert_string_equal(mi.mounts[1].root, "/a b\\c");
        assert_string_equal(mi.mounts[1].mountpoint, "/mnt/with space");
        assert_string_equal(mi.mounts[1].source, "my\tsrc");
        assert_string_equal(mi.mounts[2].mountpoint, "/run/containerd");
        rw_mountinfo_clear(&mi);
}

static void test_malformed(void **state)
{
        static const char *const bad[] = {
            "x 1 254:0 / / rw - ext4 /dev/vda rw",
            "22 1 254 / / rw - ext4 /dev/vda rw",
            "22 1 254: / / rw - ext4 /dev/vda rw",
            "22 1 :0 / / rw - ext4 /dev/vda rw",
            "22 -1 254:0 / / rw - ext4 /dev/vda rw",
            "22 1 254:0x / / rw - ext4 /dev/vda rw",
            "99999999999 1 1:0 / / rw - ext4 a rw",
            "22 1 254:0 / / rw ext4 /dev/vda rw",
            "22 1 254:0 / / rw - ext4",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(bad); i++) {
                struct rw_mountinfo mi = {0};
                struct rw_error err = {0};

                if (rw_mountinfo_parse(bad[i], &mi, &err) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
                assert_non_null(strstr(err.msg, "malformed line"));
                assert_int_equal(mi.n, 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse),
            cmocka_unit_test(test_malformed),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
