#!/usr/bin/env bash
# Installs what the HiGHS build (highs-sys) needs when it is missing: cmake and
# libclang-dev. As root it installs them with apt-get; with sudo it uses sudo;
# otherwise it prints the command to run and exits 1.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)

have_libclang() {
  if command -v dpkg >/dev/null 2>&1 && dpkg -s libclang-dev >/dev/null 2>&1; then
    return 0
  fi
  # bindgen needs libclang itself (libclang.so or libclang-N.so), not libclang-cpp,
  # which a fresh Debian image may already carry.
  if [ -n "${LIBCLANG_PATH:-}" ] && ls "${LIBCLANG_PATH}"/libclang.so* "${LIBCLANG_PATH}"/libclang-[0-9]*.so* >/dev/null 2>&1; then
    return 0
  fi
  local d
  for d in /usr/lib /usr/lib64 /usr/local/lib /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib/llvm-*/lib; do
    if ls "$d"/libclang.so* >/dev/null 2>&1 || ls "$d"/libclang-[0-9]*.so* >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}
have_libclang || missing+=(libclang-dev)

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not installed; install Rust from https://rustup.rs first." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: cmake and libclang found."
  exit 0
fi

install="apt-get update && apt-get install -y ${missing[*]}"
echo "setup: missing ${missing[*]} (needed to build HiGHS); installing."
if [ "$(id -u)" -eq 0 ]; then
  apt-get update && apt-get install -y "${missing[@]}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update && sudo apt-get install -y "${missing[@]}"
elif command -v sudo >/dev/null 2>&1; then
  # sudo may ask for a password.
  sudo sh -c "$install"
else
  echo "setup: cannot install as a normal user without sudo. Run, as root:" >&2
  echo "    $install" >&2
  exit 1
fi
