# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 2 (issue 12): hooks run on the host as root. Only hooks the operator lists (root-owned,
# writable by nobody else) and the engine's own may stay.

hook_sh='def hostsh($name): {path: "/bin/sh", args: ["sh", "-c", "echo \($name) >\($host)/hook-\($name)"]};'
for h in prestart createRuntime createContainer poststart poststop; do
        esc_case "hooks.$h" 2 spec refused hooks \
                "a $h hook runs /bin/sh, which writes into the host dir" \
                -- esc_bundle "$hook_sh .hooks.$h = [hostsh(\"$h\")]" 'true'
done
esc_case hooks.startContainer 2 spec refused hooks \
        'a startContainer hook (runs inside the container before the process)' \
        --bypass-na 'runc runs it inside the container, with the container'"'"'s capabilities and seccomp' \
        -- esc_bundle '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "grep CapEff /proc/self/status >/hook-ran"]}]' \
        'if [ -e /hook-ran ]; then echo ESC-BLOCKED the hook ran, inside; else echo ESC-BLOCKED no hook; fi'
esc_case hooks.setkey-sh 2 spec refused hooks \
        'a fake libnetwork-setkey prestart hook: argv[0] "libnetwork-setkey", path /bin/sh' \
        -- esc_bundle '.hooks.prestart = [{path: "/bin/sh",
                args: ["libnetwork-setkey", "-c", "echo setkey >\($host)/setkey"]}]' 'true'
esc_case hooks.setkey-self-exe 2 spec refused hooks \
        'a fake libnetwork-setkey hook at /proc/self/exe (runc itself) that runs another, unjudged container binding the host' \
        -- esc_bundle '.hooks.prestart = [{path: "/proc/self/exe",
                args: ["libnetwork-setkey", "--root", "\($esc)/state-hook", "run", "--bundle", "\($esc)/evil", "evil-\($id)"]}]' 'true'
esc_case hooks.setkey-other-pid 2 spec refused hooks \
        'a fake libnetwork-setkey hook at /proc/PID/exe of a host shell that is not dockerd' \
        -- esc_bundle '.hooks.prestart = [{path: "/proc/\($ENV.ESC_HOSTSHELL)/exe",
                args: ["libnetwork-setkey", "-c", "echo setkey >\($host)/setkey-pid"]}]' 'true' \
        --prep esc_host_shell

# With a policy whose tier allows hooks by path (hooks.allow): only the root-owned binary that
# nobody else can write may run.
hook_ran='n=$(ls "$ESC/hookok" | grep -c "^NAME-"); rm -f "$ESC/hookok/NAME-"*; if [ "$n" -gt 0 ]; then echo "HOW the NAME hook ran on the host"; fi'
esc_case hooks.allowed-root-owned 2 spec allowed - \
        'a prestart hook the policy allows, root-owned, mode 0755' \
        -- esc_bundle '.hooks.prestart = [{path: "\($esc)/hooks/ok-hook", args: ["ok-hook"]}]' 'true' \
        --policy hooks --tier hooked --host-check "$(sed "s/HOW/ok/; s/NAME/ok/g" <<<"$hook_ran")"
esc_case hooks.allowed-symlink 2 spec refused hooks \
        'an allowed hook path that is a symlink (to /bin/sh, writing into the host dir)' \
        -- esc_bundle '.hooks.prestart = [{path: "\($esc)/hooks/link-hook", args: ["sh", "-c", "echo link >\($host)/hook-link"]}]' 'true' \
        --policy hooks --tier hooked
esc_case hooks.allowed-group-writable 2 spec refused hooks \
        'an allowed hook path whose binary is group-writable (0775)' \
        -- esc_bundle '.hooks.prestart = [{path: "\($esc)/hooks/gw-hook", args: ["gw-hook"]}]' 'true' \
        --policy hooks --tier hooked --host-check "$(sed 's/HOW/reached/; s/NAME/gw/g' <<<"$hook_ran")"
esc_case hooks.allowed-user-owned 2 spec refused hooks \
        'an allowed hook path whose binary belongs to uid 1000' \
        -- esc_bundle '.hooks.prestart = [{path: "\($esc)/hooks/user-hook", args: ["user-hook"]}]' 'true' \
        --policy hooks --tier hooked --host-check "$(sed 's/HOW/reached/; s/NAME/user/g' <<<"$hook_ran")"
