#!/usr/bin/env python3
"""The registration census's coverage of what the helper undoes.

usage: tests/census/coverage.py CENSUS_DIR [--before]

CENSUS_DIR is the census tool (../shared/tools/census) after its
extract_bin.py has written out/bin_calls.jsonl.  A module is covered when
every registration its init reaches is one the helper undoes, or one that
leaves nothing of the module behind; the share is of the modules whose init
registers anything.  The census sorts registrations into kinds by function
name; the helper undoes some kinds whole and others only in part, so the
set below is of functions, each with the leftover kind (force_rmmod(4)
LEFTOVERS) that undoes it.  --before leaves out the kinds of the last stop's
work (NEW below), to show what they add.
"""
import json
import os
import re
import sys
from collections import Counter

NEW = {"blkdev", "disk", "sysctl"}

# (helper's kind, census function names as a regular expression)
UNDONE = [
    ("driver", None),             # the census kind bus_driver, whole (driver.c)
    ("platform_device", None),    # the census kind platform_device, whole
    ("rtnl_link", r"(__)?rtnl_link_register|macvlan_link_register|ipvlan_link_register"),
    ("netdev_notifier", r"register_netdevice_notifier"),
    # The chains of chain.c (not atomic_notifier_chain_register(): which
    # chain is not in the name).
    ("notifier", r"register_(reboot|pm|module|inetaddr|inet6addr|netevent)_notifier"
                 r"|register_inet6?addr_validator_notifier"),
    ("pernet", r"register_pernet_(subsys|device|operations)"),
    ("genl_family", r"genl_register_family"),
    ("packet_type", r"dev_add_pack|mrp_register_application"),
    ("stp_proto", r"stp_proto_register|garp_register_application"),
    ("input_handler", r"input_register_handler"),
    ("filesystem", r"register_filesystem"),
    ("misc", r"misc_register"),
    # Busy regions (request_region(), request_mem_region()); devm_ ones go
    # with their device.
    ("region", r"__request_region"),
    ("proc", None),               # the census kind proc, whole
    # A directory, empty when init returns (debugfs.c); files are the scan's.
    ("debugfs", r"debugfs_create_dir"),
    ("binfmt", r"__register_binfmt|insert_binfmt"),
    ("tcp_congestion", r"tcp_register_congestion_control"),
    ("ldisc", r"tty_register_ldisc"),
    ("nls", r"__register_nls|register_nls"),
    ("rc_keymap", r"rc_map_register"),
    ("xt_match", r"xt_register_match(es)?"),
    ("xt_target", r"xt_register_target(s)?"),
    ("xt_template", r"xt_register_template"),
    ("ipvs_scheduler", r"register_ip_vs_scheduler"),
    ("dm_target", r"dm_register_target"),
    ("usb_function", r"usb_function_register"),
    ("sock_diag", r"sock_diag_register"),
    ("inet_diag", r"inet_diag_register"),
    # In the target, with callbacks in its text, or made for it by
    # led_trigger_register_simple() (led_trigger.c).
    ("led_trigger", r"led_trigger_register(_simple)?"),
    ("crypto", r"crypto_register_(?!template)\w+|simd_register_\w+"),
    # Without instances (crypto.c); one with an instance is refused.
    ("crypto_template", r"crypto_register_templates?"),
    # With its cdev whose ops lie in the target (__register_chrdev), or
    # alone, its name and number the target's (chrdev.c); a cdev added
    # apart (cdev_add) is the scan's.
    ("chrdev", r"__register_chrdev|alloc_chrdev_region|register_chrdev_region"),
    ("qdisc", r"register_qdisc"),
    # With its pernet operations, which it unregisters (tc.c).
    ("tc_action", r"tcf_register_action"),
    ("tc_filter", r"register_tcf_proto_ops"),
    ("ematch", r"tcf_em_register"),
    ("class", r"class_register|class_create|__class_create"),
    # Without devices, drivers or a root device (class.c).
    ("bus", r"bus_register"),
    # Block majors, then whole disks with their queue and tag set (disk.c).
    ("blkdev", r"(__)?register_blkdev"),
    ("disk", r"device_add_disk|__blk_mq_alloc_disk|__blk_alloc_disk"
             r"|blk_mq_alloc_tag_set"),
    # Of /proc/sys, kept in the target's data (sysctl.c); a namespace's
    # (register_net_sysctl) goes with the pernet exit that made it.
    ("sysctl", r"register_sysctl(_sz|_table)?"),
    ("kthread", r"kthread_create_on_node|kthread_create_on_cpu|kthread_run_on_cpu"),
    # Made with a literal name and kept in the target's data (wq.c); one
    # named at run time, or kept in the heap, is left (a leak, no danger).
    ("workqueue", r"alloc_workqueue\w*|__alloc_workqueue"),
    # Without a constructor a cache holds nothing of the target (its name
    # is a copy); with one it is destroyed when empty (kmem.c).
    ("kmem_cache", None),
]
# Census kinds the helper takes whole (timers and works: in data and heap).
WHOLE = {"driver": "bus_driver", "platform_device": "platform_device",
         "proc": "proc", "kmem_cache": "kmem_cache"}
WHOLE_TIMERS = {"timer (static data)", "timer (dynamic/unknown)",
                "delayed_work (static data)", "delayed_work (dynamic/unknown)",
                "work (static data)", "work (dynamic/unknown)"}
# A net device its init registers is undone with the driver or link kind
# whose remove or dellink unregisters it (netdev.c): only with one of them.
NETDEV = re.compile(r"register_netdev(ice)?")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    sys.path.insert(0, sys.argv[1])
    from kinds import kinds_of_module  # noqa: E402  (the census tool's)
    before = "--before" in sys.argv[2:]
    undone = [(k, r) for k, r in UNDONE if not (before and k in NEW)]
    whole = {WHOLE[k] for k, r in undone if r is None} | WHOLE_TIMERS
    names = re.compile("|".join(f"(?:{r})" for _, r in undone if r))

    recs = [json.loads(line) for line in
            open(os.path.join(sys.argv[1], "out", "bin_calls.jsonl"))]
    registering = covered = 0
    blocking = Counter()
    for rec in recs:
        if not rec.get("has_init"):
            continue
        kinds = kinds_of_module(rec)
        if not kinds:
            continue
        registering += 1
        has_cover = "bus_driver" in kinds or "rtnl_link" in kinds
        left = set()
        for kind, apis in kinds.items():
            if kind in whole:
                continue
            for api in apis:
                if names.fullmatch(api):
                    continue
                if NETDEV.fullmatch(api) and has_cover:
                    continue
                left.add(kind)
        if not left:
            covered += 1
        elif len(left) == 1:
            blocking[left.pop()] += 1
    print(f"{covered} of {registering} modules that register in init covered "
          f"({100.0 * covered / registering:.1f}%)")
    print("kinds left that alone block a module:")
    for kind, n in blocking.most_common(12):
        print(f"  {n:5d}  {kind}")


if __name__ == "__main__":
    main()
