#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# meson install into a DESTDIR: the binaries, one runwarden-TIER link per tier of the shipped
# policy (and no other), the manual pages. The pages are checked by groff and man, and against
# the code: every runwarden flag of lib/cli/cli.c, every runwardenctl option of ctl/, and every
# key and value the policy parser accepts (asked of the parser itself, through the errors
# `runwardenctl policy validate` gives for an unknown one) must appear in them.
set -uo pipefail # no -e: every check runs and counts

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
[ -n "${RW_BUILD_ROOT:-}" ] || rw_fatal "RW_BUILD_ROOT is not set (run through meson test)"
rw_need_cmd meson jq groff man col python3
CTL=$RW_BUILD_ROOT/ctl/runwardenctl
[ -x "$CTL" ] || rw_fatal "runwardenctl not found at $CTL (build first)"

RW_TMP=$(mktemp -d /tmp/rw-install.XXXXXX)
RW_LOG=$RW_TMP/none.log
trap 'rm -rf "$RW_TMP"' EXIT

option()
{
        meson introspect "$RW_BUILD_ROOT" --buildoptions | jq -r --arg n "$1" '.[] | select(.name == $n) | .value'
}
PREFIX=$(option prefix)
BINDIR=$PREFIX/$(option bindir)
MANDIR=$PREFIX/$(option mandir)
case $(option bindir) in /*) BINDIR=$(option bindir) ;; esac
case $(option mandir) in /*) MANDIR=$(option mandir) ;; esac
D=$RW_TMP/dest

rw_capture install meson install -C "$RW_BUILD_ROOT" --no-rebuild --destdir "$D"
rw_expect_rc "meson install --destdir: exit 0" 0
for b in runwarden runwardenctl; do
        rw_expect_eq "installed: $BINDIR/$b" yes "$([ -x "$D$BINDIR/$b" ] && [ ! -L "$D$BINDIR/$b" ] && echo yes)"
done
# The egress hook where runwarden looks for it (config.h RW_EGRESS_HOOK), not on PATH.
HOOK=$(sed -n 's/^#define RW_EGRESS_HOOK "\(.*\)"$/\1/p' "$RW_BUILD_ROOT/config.h")
rw_expect_eq "installed: the egress hook at $HOOK, executable" yes \
        "$([ -n "$HOOK" ] && [ -x "$D$HOOK" ] && [ ! -L "$D$HOOK" ] && echo yes)"
rw_expect_eq "the egress hook is not in $BINDIR" no "$([ -e "$D$BINDIR/runwarden-egress-hook" ] && echo yes || echo no)"
rw_expect_eq "installed: a runwarden-TIER link for each tier of deploy/policy/policy.json, no other" \
        "$(jq -r '.tiers | keys[] | "runwarden-" + . + " -> runwarden"' "$RW_SOURCE_ROOT/deploy/policy/policy.json" | sort)" \
        "$(cd "$D$BINDIR" && for l in runwarden-*; do echo "$l -> $(readlink "$l")"; done | sort)"
rw_expect_eq "installed: each link's manual page is runwarden(8)" \
        "$(jq -r '.tiers | keys[] | "runwarden-" + . + ".8 -> runwarden.8"' "$RW_SOURCE_ROOT/deploy/policy/policy.json" | sort)" \
        "$(cd "$D$MANDIR/man8" && for l in runwarden-*; do echo "$l -> $(readlink "$l")"; done | sort)"

# The install script on its own: DESTDIR, a tier name that would leave BINDIR, no tiers.
SCRIPT=$RW_SOURCE_ROOT/tools/install-tier-links.py
mkdir -p "$RW_TMP/d2/usr/bin"
printf '{"tiers": {"ci": {}, "svc-2": {}}}' >"$RW_TMP/p2.json"
rw_capture script env DESTDIR="$RW_TMP/d2" MESON_INSTALL_PREFIX=/usr \
        MESON_INSTALL_DESTDIR_PREFIX="$RW_TMP/d2/usr" python3 "$SCRIPT" "$RW_TMP/p2.json" /usr/bin
rw_expect_rc "install-tier-links: exit 0" 0
rw_expect_eq "install-tier-links: links under DESTDIR" "runwarden-ci runwarden-svc-2" \
        "$(cd "$RW_TMP/d2/usr/bin" && echo runwarden-*)"
rw_capture script-again env DESTDIR="$RW_TMP/d2" MESON_INSTALL_PREFIX=/usr \
        MESON_INSTALL_DESTDIR_PREFIX="$RW_TMP/d2/usr" python3 "$SCRIPT" "$RW_TMP/p2.json" /usr/bin
rw_expect_rc "install-tier-links, again over its links: exit 0" 0
for bad in '{"tiers": {"../evil": {}}}' '{"tiers": {"baseline": {}}}' '{"tiers": {}}' \
        '{"tiers": {"a": {}, "a": {}}}' '[]'; do
        printf '%s' "$bad" >"$RW_TMP/bad.json"
        mkdir -p "$RW_TMP/d3"
        rw_capture script-bad env DESTDIR="$RW_TMP/d3" python3 "$SCRIPT" "$RW_TMP/bad.json" /usr/bin
        rw_expect_rc "install-tier-links refuses $bad" 1
        rw_expect_eq "install-tier-links: nothing made for $bad" "" "$(find "$RW_TMP/d3" -mindepth 1 | head -n 1)"
done

# ---- the manual pages ----------------------------------------------------------------------
declare -A PAGE=([runwarden]=man8/runwarden.8 [runwardenctl]=man8/runwardenctl.8
        [runwarden-policy]=man5/runwarden-policy.5)
for name in "${!PAGE[@]}"; do
        f=$D$MANDIR/${PAGE[$name]}
        if [ ! -f "$f" ]; then
                rw_fail "installed: $MANDIR/${PAGE[$name]}"
                continue
        fi
        rw_pass "installed: $MANDIR/${PAGE[$name]}"
        rw_expect_eq "$name: no placeholder left" 0 "$(grep -c '@[A-Z_]*@' "$f")"
        groff -man -Tutf8 -ww -z "$f" >"$RW_TMP/groff.out" 2>&1
        rw_expect_eq "$name: groff -ww has nothing to say" "" "$(cat "$RW_TMP/groff.out")"
        MANWIDTH=100 man -l "$f" 2>/dev/null | col -b >"$RW_TMP/$name.txt"
        rw_expect_grep "$name: man renders it" "$RW_TMP/$name.txt" '^NAME$'
done
TXT_RW=$RW_TMP/runwarden.txt
TXT_CTL=$RW_TMP/runwardenctl.txt
TXT_POL=$RW_TMP/runwarden-policy.txt

# runwarden's own flags: the SLOT_RUNTIME..SLOT_TIER and SLOT_EGRESS_HOOK entries of cli.c's table.
mapfile -t FLAGS < <(sed -n 's/^ *{"\([a-z-]*\)", NULL, FLAG_VALUE, SLOT_\(RUNTIME\|MODE\|SECCOMP_DIR\|POLICY\|TIER\|EGRESS_HOOK\)},$/\1/p' \
        "$RW_SOURCE_ROOT/lib/cli/cli.c")
rw_expect_eq "cli.c: runwarden's own flags found" 6 "${#FLAGS[@]}"
for f in "${FLAGS[@]}"; do
        rw_expect_grep "runwarden(8) describes --$f" "$TXT_RW" "^ +--$f( |$)"
done

# runwardenctl: every command of its table, every long option of every command.
mapfile -t COMMANDS < <(sed -n 's/^ *{"\([a-z]*\)", rw_ctl_[a-z]*, ".*$/\1/p' "$RW_SOURCE_ROOT/ctl/runwardenctl.c")
rw_expect_eq "runwardenctl.c: commands found" 7 "${#COMMANDS[@]}"
for c in "${COMMANDS[@]}"; do
        rw_expect_grep "runwardenctl(8) has a section for $c" "$TXT_CTL" "^   $c( |$)"
done
# getopt tables everywhere; audit and seccomp compare their arguments by hand.
mapfile -t OPTIONS < <({
        cat "$RW_SOURCE_ROOT"/ctl/*.c | grep -o -E '\{"[a-z][a-z-]*", (no|required)_argument' |
                sed -E 's/^\{"([a-z-]*)".*/\1/'
        cat "$RW_SOURCE_ROOT"/ctl/ctl_audit.c "$RW_SOURCE_ROOT"/ctl/ctl_seccomp.c |
                grep -o -E '"--[a-z][a-z-]+"' | sed -E 's/^"--([a-z-]*)"$/\1/'
} | sort -u | grep -v -x -E 'help')
[ "${#OPTIONS[@]}" -gt 20 ] && rw_pass "ctl/: ${#OPTIONS[@]} options found" || rw_fail "ctl/: options found"
for o in "${OPTIONS[@]}"; do
        rw_expect_grep "runwardenctl(8) names --$o" "$TXT_CTL" "--$o\\b"
done

# The policy: ask the parser what it accepts, with an unknown key or value at each place.
POLICY=$RW_SOURCE_ROOT/deploy/policy/policy.json
accepted()
{
        jq "$1" "$POLICY" >"$RW_TMP/probe.json"
        "$CTL" policy validate "$RW_TMP/probe.json" 2>&1 >/dev/null | head -n 1 |
                sed -n 's/.*(expected \(one of: \)\{0,1\}\(.*\))$/\2/p' | sed 's/ or /, /g' | tr ',' '\n' |
                sed 's/^ *//; /^$/d'
}
n_words=0
for probe in '.zz = 1' '.audit_log.zz = 1' '.tiers.untrusted.zz = 1' '.tiers.untrusted.scratch[0].zz = 1' \
        '.tiers.trusted.bind_prefixes[0].zz = 1' '.tiers.untrusted.seccomp.zz = 1' \
        '.tiers.trusted.require.zz = 1' '.select[0].zz = 1' '.select[0].when.zz = 1' \
        '.tiers.untrusted.exec = "zz"' '.tiers.untrusted.mode = "zz"' '.tiers.untrusted.rules.sysctl = "zz"' \
        '.tiers.untrusted.seccomp.engine_profile = "zz"' '.audit_log.on_failure = "zz"' \
        '.tiers.untrusted.egress.zz = 1' '.tiers.untrusted.egress.mode = "zz"' \
        '.tiers.untrusted.egress.metadata = "zz"' '.tiers.untrusted.egress.allow = [{"zz": 1}]' \
        '.tiers.untrusted.egress.deny = [{"ports": 1, "proto": "zz"}]'; do
        mapfile -t words < <(accepted "$probe")
        if [ "${#words[@]}" -lt 2 ]; then
                rw_fail "policy validate lists what it accepts for: $probe"
                continue
        fi
        for w in "${words[@]}"; do
                n_words=$((n_words + 1))
                rw_expect_grep "runwarden-policy(5) describes \"$w\" (the parser accepts it: $probe)" \
                        "$TXT_POL" "(^|[^a-z_-])$w([^a-z_-]|$)"
        done
done
[ "$n_words" -gt 40 ] && rw_pass "policy keys and values asked of the parser: $n_words" ||
        rw_fail "policy keys and values asked of the parser: only $n_words"

rw_summary
