#!/usr/bin/env bash
# test_creds.sh: the console against real Prometheus and Alertmanager behind
# --web.config.file: TLS with a CA made here by openssl, basic auth with a
# bcrypt hash (htpasswd -B), mTLS, an expired certificate, an unknown CA, a
# wrong password; then a search through every output of the run for the secrets.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

: "${PROMETHEUS:=$(command -v prometheus || true)}"
: "${ALERTMANAGER:=$(command -v prometheus-alertmanager || true)}"
: "${ICNSIM:=$top_builddir/icnsim}"
WSCLIENT=$top_srcdir/tests/icnsim/wsclient.py
for tool in openssl htpasswd jq python3 "$ICNSIM" "$PROMETHEUS" "$ALERTMANAGER"; do
	if [[ -z $tool ]] || ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP ${tool:-prometheus or alertmanager} is not installed (tools/deps installs it)"
		exit 0
	fi
done

plan 48
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-creds.XXXXXX")
out=$work/out # everything the console prints or logs, searched at the end
mkdir -p "$out" "$work/pki"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# --- secrets and certificates ---------------------------------------------------
# random, so a match at the end can only be a leak
pw_good="pw-$(openssl rand -hex 12)"
pw_bad="bad-$(openssl rand -hex 12)"
pw_url="url-$(openssl rand -hex 12)"
tok_loki="tok-$(openssl rand -hex 12)"
pw_loki="lpw-$(openssl rand -hex 12)"
pki=$work/pki
umask 077
printf '%s\n' "$pw_good" >"$work/good.pw"
printf '%s\n' "$pw_bad" >"$work/bad.pw"
printf '%s\n' "$tok_loki" >"$work/loki.tok"
printf '%s\n' "$pw_loki" >"$work/loki.pw"
printf 'loki:%s\n' "$pw_loki" >"$work/icnsim-basic"
umask 022
printf '%s\n' "$pw_good" >"$work/open.pw" # 0644: must be warned about

ossl() { openssl "$@" >>"$work/openssl.log" 2>&1 || { echo "Bail out! openssl $1 failed"; sed 's/^/# /' "$work/openssl.log"; exit 1; }; }
newkey() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1"; }
# ca NAME: a self-signed CA
ca() {
	newkey "$pki/$1.key"
	ossl req -x509 -new -key "$pki/$1.key" -out "$pki/$1.pem" -days 2 -subj "/CN=icn-console test $1" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
# cert NAME CA EXTENSIONS [START END]: a certificate signed by CA (openssl ca,
# which alone can date it in the past)
cert() {
	local name=$1 ca=$2 ext=$3 start=${4:-} end=${5:-}
	newkey "$pki/$name.key"
	ossl req -new -key "$pki/$name.key" -out "$pki/$name.csr" -subj "/CN=$name"
	printf '%s\n' "$ext" >"$pki/$name.ext"
	mkdir -p "$pki/db-$ca"
	[[ -f $pki/db-$ca/index.txt ]] || { : >"$pki/db-$ca/index.txt"; openssl rand -hex 8 >"$pki/db-$ca/serial"; }
	cat >"$pki/$ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $pki/db-$ca/index.txt
new_certs_dir = $pki/db-$ca
serial = $pki/db-$ca/serial
default_md = sha256
default_days = 2
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
	local dates=()
	[[ -n $start ]] && dates=(-startdate "$start" -enddate "$end")
	ossl ca -batch -notext -config "$pki/$ca.cnf" -cert "$pki/$ca.pem" -keyfile "$pki/$ca.key" \
		-in "$pki/$name.csr" -out "$pki/$name.pem" -extfile "$pki/$name.ext" "${dates[@]}"
}
ca ca
ca other
cert prom ca "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
# only a name, no IP: reachable at 127.0.0.1 with tls server-name
cert am ca "subjectAltName=DNS:am.icn.test
extendedKeyUsage=serverAuth"
cert expired ca "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth" 20200101000000Z 20200102000000Z
cert client ca "extendedKeyUsage=clientAuth"
chmod 600 "$pki"/*.key

hash=$(htpasswd -nbBC 10 oncall "$pw_good" | cut -d: -f2) || { echo "Bail out! htpasswd failed"; exit 1; }
[[ $hash == '$2'* ]] || { echo "Bail out! htpasswd gave no bcrypt hash"; exit 1; }

# --- servers, on 127.0.0.1 only ---------------------------------------------------
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		[[ -z $(ss -Htuan "sport = :$p" 2>/dev/null) ]] && { echo "$p"; return 0; }
	done
	return 1
}

# start NAME PORT CMD...: in the background, its pid kept for the cleanup
start() {
	local name=$1
	shift
	"$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
}

# ready NAME URL CURL-ARGS...: the server answers over TLS (its own check, not the console's)
ready() {
	local name=$1 url=$2
	shift 2
	if ! wait_for 30 curl -fsS -m 2 -o /dev/null "$@" "$url"; then
		echo "Bail out! $name did not come up at $url"
		tail -n 20 "$work/$name.log" | sed 's/^/# /'
		exit 1
	fi
}

cat >"$work/prom.yml" <<EOF
global: { scrape_interval: 1h }
scrape_configs:
  - job_name: nothing-there
    static_configs: [{ targets: ['127.0.0.1:9'] }]
EOF
cat >"$work/prom-web.yml" <<EOF
tls_server_config: { cert_file: $pki/prom.pem, key_file: $pki/prom.key }
basic_auth_users: { oncall: '$hash' }
EOF
cat >"$work/am.yml" <<EOF
route: { receiver: nobody }
receivers: [{ name: nobody }]
EOF
cat >"$work/am-mtls-web.yml" <<EOF
tls_server_config:
  cert_file: $pki/am.pem
  key_file: $pki/am.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $pki/ca.pem
EOF
cat >"$work/am-expired-web.yml" <<EOF
tls_server_config: { cert_file: $pki/expired.pem, key_file: $pki/expired.key }
EOF

prom_port=$(free_port) && am_port=$(free_port) && exp_port=$(free_port) || { echo "Bail out! no free port"; exit 1; }
start prometheus "$PROMETHEUS" --config.file="$work/prom.yml" --web.config.file="$work/prom-web.yml" \
	--web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.path="$work/prom-data"
start am-mtls "$ALERTMANAGER" --config.file="$work/am.yml" --web.config.file="$work/am-mtls-web.yml" \
	--web.listen-address="127.0.0.1:$am_port" --storage.path="$work/am-data" --cluster.listen-address=
start am-expired "$ALERTMANAGER" --config.file="$work/am.yml" --web.config.file="$work/am-expired-web.yml" \
	--web.listen-address="127.0.0.1:$exp_port" --storage.path="$work/am2-data" --cluster.listen-address=
ready prometheus "https://127.0.0.1:$prom_port/-/ready" --cacert "$pki/ca.pem" -u "oncall:$pw_good"
ready am-mtls "https://am.icn.test:$am_port/-/ready" --connect-to "am.icn.test:$am_port:127.0.0.1:$am_port" \
	--cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key"
ready am-expired "https://127.0.0.1:$exp_port/-/ready" -k

prom=https://127.0.0.1:$prom_port
am=https://127.0.0.1:$am_port
exp=https://127.0.0.1:$exp_port
cfg=$work/config.yaml
umask 077
cat >"$cfg" <<EOF
contexts:
  good:
    prometheus:
      url: $prom
      basic-auth: { username: oncall, password-file: $work/good.pw }
      tls: { ca-file: $pki/ca.pem }
    alertmanager:
      url: $am
      tls: { ca-file: $pki/ca.pem, cert-file: $pki/client.pem, key-file: $pki/client.key, server-name: am.icn.test }
  wrong-password:
    prometheus:
      url: $prom
      basic-auth: { username: oncall, password-file: $work/bad.pw }
      tls: { ca-file: $pki/ca.pem }
  open-password-file:
    prometheus:
      url: $prom
      basic-auth: { username: oncall, password-file: $work/open.pw }
      tls: { ca-file: $pki/ca.pem }
  unknown-ca:
    prometheus:
      url: $prom
      basic-auth: { username: oncall, password-file: $work/good.pw }
      tls: { ca-file: $pki/other.pem }
  insecure:
    prometheus:
      url: $prom
      basic-auth: { username: oncall, password-file: $work/good.pw }
      tls: { insecure-skip-verify: true }
  expired:
    alertmanager: { url: $exp, tls: { ca-file: $pki/ca.pem } }
  no-client-cert:
    alertmanager: { url: $am, tls: { ca-file: $pki/ca.pem, server-name: am.icn.test } }
  no-server-name:
    alertmanager:
      url: $am
      tls: { ca-file: $pki/ca.pem, cert-file: $pki/client.pem, key-file: $pki/client.key }
  wrong-server-name:
    alertmanager:
      url: $am
      tls: { ca-file: $pki/ca.pem, cert-file: $pki/client.pem, key-file: $pki/client.key, server-name: wrong.icn.test }
  http-to-tls:
    prometheus:
      url: http://127.0.0.1:$prom_port
      basic-auth: { username: oncall, password-file: $work/good.pw }
  missing-ca:
    prometheus: { url: $prom, tls: { ca-file: $pki/nope.pem } }
  folder-pw:
    prometheus: { url: $prom, basic-auth: { username: oncall, password-file: $pki } }
EOF
umask 022

n_run=0
# console NAME ARGS...: run it with a debug log; stdout, stderr and the log land in $out
console() {
	local name=$1
	shift
	n_run=$((n_run + 1))
	HOME=$work "$ICN_CONSOLE" --config "$cfg" --log "$out/$name.log" --timeout 5s "$@" \
		>"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
rc() { cat "$out/$1.rc"; }
# expect NAME RC PATTERN DESCRIPTION: exit code and a line of stderr (or stdout)
expect() {
	local name=$1 want=$2 pat=$3 desc=$4 got
	got=$(rc "$name")
	if [[ $got == "$want" ]] && grep -qE -- "$pat" "$out/$name.err" "$out/$name.out"; then
		ok "$desc"
	else
		not_ok "$desc" "exit $got (want $want), wanted /$pat/" "stderr: $(head -c 600 "$out/$name.err")" \
			"stdout: $(head -c 300 "$out/$name.out")"
	fi
}

# --- good credentials ---------------------------------------------------------------
console targets-good --context good targets
expect targets-good 0 "^[0-9]+ active targets" "TLS + basic auth (bcrypt): targets answers"
if [[ ! -s $out/targets-good.err ]]; then ok "no warning for 0600 files"; else not_ok "no warning for 0600 files" "$(cat "$out/targets-good.err")"; fi

console alerts-mtls --context good alerts --output json
expect alerts-mtls 0 '"errors": \[\]' "mTLS with tls server-name: alerts answers from Alertmanager"

console once-good --context good --once --output json
if [[ $(rc once-good) == 0 ]] && jq -e --arg p "$prom" '.backends[] | select(.name == "prometheus") | .url == $p and .health == "ok"' \
	"$out/once-good.out" >/dev/null 2>&1; then
	ok "--once over TLS + basic auth: JSON backends name the URL"
else
	not_ok "--once over TLS + basic auth: JSON backends name the URL" "exit $(rc once-good)" "$(head -c 600 "$out/once-good.err")" \
		"$(jq -c '.backends' "$out/once-good.out" 2>&1 | head -c 600)"
fi

# --- each failure says which backend and why -------------------------------------------
console wrong-pw --context wrong-password targets
expect wrong-pw 1 "prometheus at $prom: .*401.*(credentials|password)" "a wrong password: prometheus, 401, the credentials named"
# the dashboard's queries (--once) say the same, not "not a Prometheus API"
console wrong-pw-once --context wrong-password --once
expect wrong-pw-once 1 "prometheus at $prom: HTTP 401: Unauthorized \(the credentials were refused" \
	"a wrong password, --once: the credentials named, not 'not a Prometheus API'"

console unknown-ca --context unknown-ca targets
expect unknown-ca 1 "prometheus at $prom: TLS: the server's certificate is signed by an unknown CA" \
	"an unknown CA: prometheus, the CA named"

console expired --context expired alerts
expect expired 1 "alertmanager.*$exp.*TLS: the server's certificate has expired" \
	"an expired certificate: alertmanager, expired"

console no-client-cert --context no-client-cert alerts
expect no-client-cert 1 "alertmanager.*$am.*TLS: .*client certificate" \
	"mTLS without a client certificate: alertmanager, the client certificate named"

console no-server-name --context no-server-name alerts
expect no-server-name 1 "alertmanager.*$am.*TLS: the server's certificate is not for this host name \(set tls server-name\)" \
	"a certificate for another name: alertmanager, server-name named"

console wrong-server-name --context wrong-server-name alerts
expect wrong-server-name 1 "alertmanager.*$am.*TLS: the server's certificate is not for the tls server-name 'wrong\.icn\.test'" \
	"a set server-name the certificate does not carry: named, not 'set tls server-name'"

console http-to-tls --context http-to-tls targets
expect http-to-tls 1 "prometheus at http://127\.0\.0\.1:$prom_port: the server speaks TLS: use https:// in its URL" \
	"an http:// URL to a TLS server: it says the server speaks TLS"

console missing-ca --context missing-ca targets
expect missing-ca 2 "context 'missing-ca': prometheus tls ca-file: cannot read '$pki/nope.pem': No such file" \
	"a missing ca-file: said when the config is loaded, the file named"

console folder-pw --context folder-pw targets
expect folder-pw 2 "context 'folder-pw': prometheus password-file '$pki' is a directory" \
	"a password-file that is a directory: said so, not 'empty'"

console insecure --context insecure targets
expect insecure 0 "warning: tls insecure-skip-verify: prometheus" \
	"insecure-skip-verify: works, with a warning"

console open-pw --context open-password-file targets
expect open-pw 0 "warning: prometheus password-file $work/open.pw is open to group or others \(mode 0644\)" \
	"a password file others can read is warned about"

chmod 644 "$cfg"
console open-config --context good targets
expect open-config 0 "warning: config file $cfg is open to group or others" \
	"a config file others can read is warned about"
chmod 600 "$cfg"

console missing-pw --context good --prometheus "$prom" targets
expect missing-pw 0 "^[0-9]+ active targets" "--prometheus with the context's own URL keeps its credentials"

# --- a user:password in a URL never comes back ------------------------------------------
console url-pw --context good --prometheus "https://oncall:$pw_url@127.0.0.1:$prom_port" targets
expect url-pw 1 "prometheus at $prom: .*401" "a user:password URL: its password is tried (401) and the URL printed without it"

console url-pw-good --context good --prometheus "https://oncall:$pw_good@127.0.0.1:$prom_port/" targets
expect url-pw-good 0 "^[0-9]+ active targets" "a user:password URL works as basic auth (with the context's CA)"

console url-pw-json --context good --prometheus "https://oncall:$pw_url@127.0.0.1:$prom_port" --once --output json
if jq -e --arg p "$prom" '[.backends[] | select(.name == "prometheus")][0].url == $p' "$out/url-pw-json.out" >/dev/null 2>&1; then
	ok "--output json: backends show the URL without user:password"
else
	not_ok "--output json: backends show the URL without user:password" "$(jq -c .backends "$out/url-pw-json.out" 2>&1 | head -c 400)"
fi

console bad-url-pw --prometheus "htps://oncall:$pw_url@127.0.0.1:$prom_port" targets
expect bad-url-pw 2 "invalid URL 'htps://oncall:\*\*\*@127" "an invalid URL is named with its password masked"

printf 'contexts:\n  x:\n    prometheus: { url: %s, bearer-token-file: %s/nope }\n' "$prom" "$work" >"$work/missing.yaml"
chmod 600 "$work/missing.yaml"
HOME=$work "$ICN_CONSOLE" --config "$work/missing.yaml" --log "$out/missing.log" targets >"$out/missing.out" 2>"$out/missing.err"
echo $? >"$out/missing.rc"
expect missing 2 "context 'x': prometheus bearer-token-file: cannot read '$work/nope': No such file" \
	"a missing token file: the context, the backend and the cause"

# --- icnsim's Loki behind a bearer token, basic auth and a tenant --------------------------
start icnsim "$ICNSIM" --listen 127.0.0.1:0 --log-rate 20 --loki-bearer-token-file "$work/loki.tok" \
	--loki-basic-auth-file "$work/icnsim-basic" --loki-org-id icn
# wait_sim NAME VAR: VAR is the URL the icnsim started as NAME listens on, once it does
sim_listening() { sed -n 's|^icnsim: listening on \(https\{0,1\}://127\.0\.0\.1:[0-9][0-9]*\)$|\1|p' "$work/$1.log"; }
sim_up() { [[ -n $(sim_listening "$1") ]]; }
wait_sim() {
	wait_for 20 sim_up "$1" || { echo "Bail out! $1 did not start"; sed 's/^/# /' "$work/$1.log"; exit 1; }
	printf -v "$2" '%s' "$(sim_listening "$1")"
}
wait_sim icnsim sim
sim_pw=${sim/http:\/\//http://loki:$pw_loki@}
lcfg=$work/loki.yaml
umask 077
cat >"$lcfg" <<CONFIG
contexts:
  bearer:
    loki: { url: $sim, bearer-token-file: $work/loki.tok, headers: { X-Scope-OrgID: icn } }
  basic:
    loki: { url: $sim, basic-auth: { username: loki, password-file: $work/loki.pw }, headers: { X-Scope-OrgID: icn } }
  wrong-token:
    loki: { url: $sim, bearer-token-file: $work/bad.pw, headers: { X-Scope-OrgID: icn } }
  no-org:
    loki: { url: $sim, bearer-token-file: $work/loki.tok }
  legacy:
    loki: $sim
  command:
    loki: { url: $sim, credential-command: "echo ran >>$work/cmd-runs; cat $work/loki.tok", headers: { X-Scope-OrgID: icn } }
  command-fails:
    loki: { url: $sim, credential-command: "echo 'token expired: run icn-login' >&2; exit 4" }
  command-tail:
    loki: { url: $sim, credential-command: "echo ran >>$work/tail-runs; cat $work/loki.tok", headers: { X-Scope-OrgID: icn } }
CONFIG
umask 022
lconsole() {
	local name=$1
	shift
	n_run=$((n_run + 1))
	HOME=$work timeout 60 "$ICN_CONSOLE" --config "$lcfg" --log "$out/$name.log" --timeout 5s "$@" \
		>"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
q='{app="icn-director"}'
lconsole loki-bearer --context bearer logs "$q" --limit 3
expect loki-bearer 0 'app="icn-director"' "loki: a bearer token from bearer-token-file and X-Scope-OrgID from headers"
lconsole loki-basic --context basic logs "$q" --limit 3
expect loki-basic 0 'app="icn-director"' "loki: basic auth from password-file"
lconsole loki-wrong --context wrong-token logs "$q" --limit 3
expect loki-wrong 1 "loki at $sim: HTTP 401: unauthorized \(the credentials were refused" \
	"loki: a wrong token: 401, the credentials named"
lconsole loki-no-org --context no-org logs "$q" --limit 3
expect loki-no-org 1 "loki at $sim: HTTP 401: no org id \(set X-Scope-OrgID" "loki: no tenant: 401, X-Scope-OrgID named"
LOKI_BEARER_TOKEN=$tok_loki LOKI_ORG_ID=icn lconsole loki-legacy --context legacy logs "$q" --limit 3
expect loki-legacy 0 'app="icn-director"' "loki: LOKI_BEARER_TOKEN and LOKI_ORG_ID still work"
LOKI_ORG_ID=icn lconsole loki-url-pw --context legacy --loki "$sim_pw" logs "$q" --limit 3
expect loki-url-pw 0 'app="icn-director"' "loki: a user:password URL is basic auth"
lconsole loki-cmd --context command logs "$q" --limit 3
if [[ $(rc loki-cmd) == 0 ]] && grep -q 'app="icn-director"' "$out/loki-cmd.out" && [[ $(wc -l <"$work/cmd-runs") == 1 ]]; then
	ok "loki: a token from credential-command (run once)"
else
	not_ok "loki: a token from credential-command (run once)" "exit $(rc loki-cmd), runs: $(cat "$work/cmd-runs" 2>&1 | wc -l)" \
		"$(head -c 600 "$out/loki-cmd.err")"
fi
# tail_lines NAME: the lines a run printed (with --limit 1, more than one: its tail was let in)
tail_lines() { grep -c 'app="icn-director"' "$out/$1.out"; }
# verdict NAME DESC DETAIL CMD...: ok when the run NAME exited 0 and CMD
# succeeds, else not_ok with its exit status, DETAIL and its stderr
verdict() {
	local name=$1 desc=$2 detail=$3
	shift 3
	if [[ $(rc "$name") == 0 ]] && "$@"; then
		ok "$desc"
	else
		not_ok "$desc" "exit $(rc "$name"), $detail" "$(head -c 600 "$out/$name.err")"
	fi
}
# the tail's upgrade carries the credential-command's token too: the command
# runs once for the history and the tail (the token kept); lines newer than
# the history (which --limit 1 cuts to one) prove the tail was let in
lconsole loki-cmd-tail --context command-tail logs "$q" --since 1s --limit 1 --tail --duration 4s
n_tail=$(tail_lines loki-cmd-tail)
n_runs=$(cat "$work/tail-runs" 2>/dev/null | wc -l)
verdict loki-cmd-tail "loki tail: the websocket handshake carries the credential-command's token (run once for history and tail)" \
	"$n_tail lines, $n_runs runs" test "$n_tail" -gt 1 -a "$n_runs" -eq 1
lconsole loki-cmd-fails --context command-fails logs "$q" --limit 3
expect loki-cmd-fails 1 "loki at $sim: credential-command failed \(exit 4\): token expired: run icn-login" \
	"loki: a failing credential-command: the backend, the exit status and its message"

# the tail: the websocket handshake carries the same credentials; lines newer
# than the history (which --limit 1 cuts to one) prove it was let in
lconsole loki-tail --context bearer logs "$q" --since 1s --limit 1 --tail --duration 4s
verdict loki-tail "loki tail: the websocket handshake passes with the bearer token and tenant" \
	"$(tail_lines loki-tail) lines" test "$(tail_lines loki-tail)" -gt 1
LOKI_ORG_ID=icn lconsole loki-tail-url --context legacy --loki "$sim_pw" logs "$q" --since 1s --limit 1 --tail --duration 4s
verdict loki-tail-url "loki tail: basic auth from a URL's user:password on the websocket handshake" \
	"$(tail_lines loki-tail-url) lines" test "$(tail_lines loki-tail-url)" -gt 1

# a token rotated in its bearer-token-file while the tail runs: icnsim reads its
# file at every request and ends tails after 2 s (1011); the console's next
# upgrade gets a 401, reads the file again and goes on with the new token
tok_new="tok2-$(openssl rand -hex 12)"
umask 077
printf '%s\n' "$tok_loki" >"$work/rot.tok"
umask 022
start icnsim-rot "$ICNSIM" --listen 127.0.0.1:0 --log-rate 20 --tail-max-duration 2s \
	--loki-bearer-token-file "$work/rot.tok" --loki-org-id icn
wait_sim icnsim-rot rsim
umask 077
cat >>"$lcfg" <<CONFIG
  rotate:
    loki: { url: $rsim, bearer-token-file: $work/rot.tok, headers: { X-Scope-OrgID: icn } }
CONFIG
umask 022
# rotate_during NAME CONTEXT TOKEN: a 10 s tail of CONTEXT, TOKEN put in
# rot.tok (icnsim-rot's) after 3 s; n_after: the lines it printed from 3 s
# after that on
rotate_during() {
	lconsole "$1" --context "$2" logs "$q" --since 1s --limit 1 --tail --duration 10s &
	local pid=$!
	sleep 3
	umask 077
	printf '%s\n' "$3" >"$work/rot.tok.new" && mv "$work/rot.tok.new" "$work/rot.tok"
	umask 022
	local at
	at=$(date +%s)
	wait "$pid"
	n_run=$((n_run + 1)) # lconsole counted in the subshell
	cutoff=$(date -u -d "@$((at + 3))" +%Y-%m-%dT%H:%M:%S)
	n_after=$(awk -v c="$cutoff" '$1 > c' "$out/$1.out" | wc -l)
}
rotate_during loki-rotate rotate "$tok_new"
if [[ $(rc loki-rotate) == 0 ]] && ((n_after > 10)) && ! grep -q "refused" "$out/loki-rotate.err" &&
	grep -q "bearer-token-file holds a new token" "$out/loki-rotate.log"; then
	ok "loki: a token rotated in its bearer-token-file is read again at the tail's 401 ($n_after lines after)"
else
	not_ok "loki: a token rotated in its bearer-token-file is read again at the tail's 401" \
		"exit $(rc loki-rotate), $n_after lines after $cutoff" "$(head -c 600 "$out/loki-rotate.err")"
fi

# the same with a credential-command printing the token of that file: the
# tail's 401 after the rotation drops the kept token and runs the command again
tok_cmd="tok3-$(openssl rand -hex 12)"
umask 077
cat >>"$lcfg" <<CONFIG
  rotate-cmd:
    loki: { url: $rsim, credential-command: "echo ran >>$work/rot-runs; cat $work/rot.tok", headers: { X-Scope-OrgID: icn } }
  rotate-stale:
    loki: { url: $rsim, credential-command: "echo ran >>$work/stale-runs; cat $work/stale.tok", headers: { X-Scope-OrgID: icn } }
CONFIG
umask 022
rotate_during loki-rotate-cmd rotate-cmd "$tok_cmd"
n_runs=$(cat "$work/rot-runs" 2>/dev/null | wc -l)
rerun_ok() {
	((n_after > 10 && n_runs == 2)) && ! grep -q "refused" "$out/loki-rotate-cmd.err" &&
		grep -q "running the credential-command again" "$out/loki-rotate-cmd.log"
}
verdict loki-rotate-cmd "loki: a rotated token: the tail's 401 runs the credential-command again" \
	"$n_after lines after $cutoff, $n_runs runs" rerun_ok
# a command that goes on printing the old token: the second 401 is final, said
tok_last="tok4-$(openssl rand -hex 12)"
umask 077
cp "$work/rot.tok" "$work/stale.tok"
umask 022
rotate_during loki-rotate-stale rotate-stale "$tok_last"
n_runs=$(cat "$work/stale-runs" 2>/dev/null | wc -l)
final_pat="loki at $rsim: Loki refused the tail: .*HTTP 401 \(the loki backend's credential-command's token was refused, and so was the one it printed when run again\)"
if [[ $(rc loki-rotate-stale) == 1 ]] && grep -qE -- "$final_pat" "$out/loki-rotate-stale.err" && ((n_runs == 2)); then
	ok "loki: the credential-command's token refused on the tail again after a new run: final, said"
else
	not_ok "loki: the credential-command's token refused on the tail again after a new run: final, said" \
		"exit $(rc loki-rotate-stale), $n_runs runs (want 2: the history's, the one after the first 401)" \
		"$(tail -c 800 "$out/loki-rotate-stale.err")" "$(grep "loki tail" "$out/loki-rotate-stale.log" | tail -n 5)"
fi

# Loki over TLS: mTLS and a certificate for another name than the address, on
# query_range (curl) and on the tail's wss handshake (libwebsockets) alike
start icnsim-tls "$ICNSIM" --listen 127.0.0.1:0 --log-rate 20 --tls-cert "$pki/am.pem" --tls-key "$pki/am.key" \
	--tls-client-ca "$pki/ca.pem" --loki-bearer-token-file "$work/loki.tok" --loki-org-id icn
wait_sim icnsim-tls tsim
umask 077
cat >>"$lcfg" <<CONFIG
  loki-mtls:
    loki:
      url: $tsim
      bearer-token-file: $work/loki.tok
      headers: { X-Scope-OrgID: icn }
      tls: { ca-file: $pki/ca.pem, cert-file: $pki/client.pem, key-file: $pki/client.key, server-name: am.icn.test }
CONFIG
umask 022
lconsole loki-mtls --context loki-mtls logs "$q" --since 1s --limit 1 --tail --duration 4s
if [[ $(rc loki-mtls) == 0 ]] && (($(tail_lines loki-mtls) > 1)); then
	ok "loki over mTLS with server-name: history and the wss tail"
else
	not_ok "loki over mTLS with server-name: history and the wss tail" \
		"exit $(rc loki-mtls), $(tail_lines loki-mtls) lines" "$(head -c 600 "$out/loki-mtls.err")"
fi

# proxy-url: the history (curl) and the tail (libwebsockets' CONNECT) both go
# through the proxy, the wss one too; a refused proxy and a refused CONNECT are named
PROXY=$top_srcdir/tests/connectproxy.py
start proxy python3 "$PROXY"
start proxy-refuse python3 "$PROXY" --refuse
proxy_ports() {
	pport=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$work/proxy.log")
	rport=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$work/proxy-refuse.log")
	[[ -n $pport && -n $rport ]]
}
wait_for 20 proxy_ports || { echo "Bail out! the test proxy did not start"; cat "$work"/proxy*.log | sed 's/^/# /'; exit 1; }
proxy_ports
dead_port=$(free_port)
umask 077
cat >>"$lcfg" <<CONFIG
  proxied:
    loki: { url: $sim, bearer-token-file: $work/loki.tok, headers: { X-Scope-OrgID: icn }, proxy-url: "http://127.0.0.1:$pport" }
  proxied-tls:
    loki:
      url: $tsim
      bearer-token-file: $work/loki.tok
      headers: { X-Scope-OrgID: icn }
      proxy-url: "http://127.0.0.1:$pport/"
      tls: { ca-file: $pki/ca.pem, cert-file: $pki/client.pem, key-file: $pki/client.key, server-name: am.icn.test }
  proxy-refuses:
    loki: { url: $sim, bearer-token-file: $work/loki.tok, headers: { X-Scope-OrgID: icn }, proxy-url: "http://127.0.0.1:$rport" }
  proxy-dead:
    loki: { url: $sim, bearer-token-file: $work/loki.tok, headers: { X-Scope-OrgID: icn }, proxy-url: "http://127.0.0.1:$dead_port" }
CONFIG
umask 022
sim_hp=${sim#http://}
tsim_hp=${tsim#https://}
lconsole loki-proxied --context proxied logs "$q" --since 1s --limit 1 --tail --duration 4s
n_get=$(grep -c "^GET http://$sim_hp/loki/api/v1/query_range" "$work/proxy.log")
n_conn=$(grep -cx "CONNECT $sim_hp" "$work/proxy.log")
if [[ $(rc loki-proxied) == 0 ]] && (($(tail_lines loki-proxied) > 1)) && ((n_get >= 1 && n_conn == 1)); then
	ok "loki proxy-url: the history and the live tail both go through the proxy"
else
	not_ok "loki proxy-url: the history and the live tail both go through the proxy" \
		"exit $(rc loki-proxied), $(tail_lines loki-proxied) lines, $n_get GETs and $n_conn CONNECTs via the proxy" \
		"$(head -c 600 "$out/loki-proxied.err")"
fi
lconsole loki-proxied-tls --context proxied-tls logs "$q" --since 1s --limit 1 --tail --duration 4s
n_conn=$(grep -cx "CONNECT $tsim_hp" "$work/proxy.log")
if [[ $(rc loki-proxied-tls) == 0 ]] && (($(tail_lines loki-proxied-tls) > 1)) && ((n_conn >= 2)); then
	ok "loki proxy-url over mTLS: history and the wss tail each CONNECT through the proxy"
else
	not_ok "loki proxy-url over mTLS: history and the wss tail each CONNECT through the proxy" \
		"exit $(rc loki-proxied-tls), $(tail_lines loki-proxied-tls) lines, $n_conn CONNECTs" \
		"$(head -c 600 "$out/loki-proxied-tls.err")"
fi
lconsole loki-proxy-refuses --context proxy-refuses logs "$q" --since 1s --limit 1 --tail --duration 4s
# the history passes (a plain GET through the proxy); the tail retries, saying why
expect loki-proxy-refuses 0 "could not reach Loki: proxy 127\.0\.0\.1:$rport: it refused the CONNECT; again in" \
	"loki proxy-url: a proxy that refuses the tail's CONNECT is named"
lconsole loki-proxy-dead --context proxy-dead logs "$q" --limit 1
expect loki-proxy-dead 1 "loki at $sim: proxy 127\.0\.0\.1:$dead_port: connection refused" \
	"loki proxy-url: a proxy that is not there is named (connection refused)"

# http:// to icnsim's TLS port: libwebsockets resets without a byte; a TLS
# handshake on the port tells the console what it is
lconsole loki-http-to-tls --context legacy --loki "http://$tsim_hp" logs "$q" --limit 1
expect loki-http-to-tls 1 "loki at http://$tsim_hp: the server speaks TLS: use https:// in its URL" \
	"an http:// URL to a TLS server that only hangs up: it says the server speaks TLS"

# icnsim's own handshake checks, with a plain websocket client
ws() {
	python3 "$WSCLIENT" "$@" --duration 2 "${sim/http:/ws:}/loki/api/v1/tail?query=%7Bapp%3D%22icn-director%22%7D" 2>&1 |
		head -n 1
}
got=$(ws -H "X-Scope-OrgID: icn")
if [[ $got == "HTTP 401 unauthorized"* ]]; then
	ok "icnsim: a tail without credentials is refused with 401"
else
	not_ok "icnsim: a tail without credentials is refused with 401" "got: $got"
fi
got=$(ws -H "Authorization: Bearer $tok_loki")
if [[ $got == "HTTP 401 no org id"* ]]; then
	ok "icnsim: a tail without a tenant is refused with 401 no org id"
else
	not_ok "icnsim: a tail without a tenant is refused with 401 no org id" "got: $got"
fi
got=$(ws -H "Authorization: Basic $(printf 'loki:%s' "$pw_loki" | base64 -w0)" -H "X-Scope-OrgID: icn")
if [[ $got == TEXT* ]]; then
	ok "icnsim: a tail with basic auth and the tenant streams"
else
	not_ok "icnsim: a tail with basic auth and the tenant streams" "got: $got"
fi

# --- nothing leaked -------------------------------------------------------------------
# every stdout, stderr and debug log of every run above
leaks=$(grep -rlF -e "$pw_good" -e "$pw_bad" -e "$pw_url" -e "$tok_loki" -e "$tok_new" -e "$tok_cmd" -e "$tok_last" -e "$pw_loki" \
	-e "$(printf 'loki:%s' "$pw_loki" | base64 -w0)" -e "$(printf 'oncall:%s' "$pw_good" | base64 -w0)" \
	"$out" 2>/dev/null)
n_files=$(find "$out" -type f | wc -l)
# the same search finds the password where it is meant to be (no vacuous pass)
grep -qF "$pw_good" "$work/good.pw" || leaks+=" (the search itself does not work)"
if [[ -z $leaks ]] && ((n_files >= 3 * n_run)); then
	ok "no password in any of the $n_files outputs and logs of $n_run runs"
else
	not_ok "no password in any of the $n_files outputs and logs of $n_run runs" "leaked in: ${leaks:-none} (files: $n_files)"
fi
if grep -q "oncall:\*\*\*@\|prometheus" "$out"/*.log; then
	ok "the debug logs were written (the search saw them)"
else
	not_ok "the debug logs were written (the search saw them)" "$(ls -l "$out")"
fi
