# Sourced by scripts/kill-campaign.sh and benchmarks/imap-fetch.sh.
# `write_dovecot_conf DIR PORT INSTANCE MARKER UID GID USER`: DIR/dovecot.conf for an IMAP-only Dovecot on
# 127.0.0.1:PORT, run unprivileged as USER (UID:GID own the mail), plain login from DIR/passwd, mail in
# DIR/mail/<user>/Maildir, its greeting "MARKER ready" (so a test knows the server on the port is its own).
write_dovecot_conf() {
    local dir=$1 port=$2 instance=$3 marker=$4 uid=$5 gid=$6 user=$7
    cat > "$dir/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/base
state_dir = $dir/state
instance_name = $instance
log_path = $dir/dovecot.log
login_greeting = $marker ready
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
default_internal_user = $user
default_login_user = $user
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
EOF
}
