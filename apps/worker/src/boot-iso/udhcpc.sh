#!/bin/sh
# udhcpc's event script in the boot ISO (/etc/udhcpc.script): busybox udhcpc
# only talks DHCP and sets nothing itself; this applies what it got (address,
# default route, DNS) so /init can reach the migration manager.
# udhcpc passes the event as $1 and the lease in the environment: $interface,
# $ip, $mask (prefix length), $router, $dns, $domain.

case $1 in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do
      ip route replace default via "$r" dev "$interface"
      break
    done
    : >/etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    echo "$interface: $ip/${mask:-24} via ${router:-none}"
    ;;
esac
exit 0
