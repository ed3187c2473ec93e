# Shared by Trellis's launchers in bin/: finds JDK 25 and builds a module's class path from the
# build output. Source it after setting PROG (for messages); it defines:
#   die MESSAGE                 print "PROG: MESSAGE" and exit 1
#   find_java                   print the java binary to use (TRELLIS_JAVA, JAVA_HOME, /usr/lib/jvm, PATH)
#   module_classpath MODULE     print MODULE's class path: the reactor's own classes first, then target/lib
#                               (TRELLIS_CLASSPATH, when set, wins; the lab tests use it)
# shellcheck shell=bash

readonly MIN_JAVA=25
TRELLIS_REPO=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd)

die() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  exit 1
}

# Prints the feature release of a java binary (8 for "1.8.0_x", 25 for "25.0.3"), or nothing.
# Reads the JDK's release file when there is one: starting a JVM just to ask its version would
# double the start-up time of every command.
java_major() {
  local release version line
  release=$(dirname -- "$(dirname -- "$(readlink -f -- "$1")")")/release
  if [[ -r $release ]] && line=$(grep -m1 '^JAVA_VERSION=' "$release"); then
    version=${line#JAVA_VERSION=\"}
    version=${version%%\"*}
  else
    line=$("$1" -version 2>&1 | grep -m1 -E 'version "[^"]+"') || return 0
    version=${line#*version \"}
    version=${version%%\"*}
  fi
  if [[ $version == 1.* ]]; then version=${version#1.}; fi
  version=${version%%[.+-]*}
  [[ $version =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
  return 0
}

is_java_ok() {
  [[ -x $1 ]] || return 1
  local major
  major=$(java_major "$1")
  [[ -n $major && $major -ge $MIN_JAVA ]]
}

find_java() {
  local candidate
  if [[ -n ${TRELLIS_JAVA:-} ]]; then
    is_java_ok "$TRELLIS_JAVA" \
      || die "TRELLIS_JAVA=$TRELLIS_JAVA is not an executable JDK $MIN_JAVA or newer: point it to one"
    printf '%s\n' "$TRELLIS_JAVA"
    return
  fi
  if [[ -n ${JAVA_HOME:-} ]] && is_java_ok "$JAVA_HOME/bin/java"; then
    printf '%s\n' "$JAVA_HOME/bin/java"
    return
  fi
  for candidate in /usr/lib/jvm/temurin-"$MIN_JAVA"*/bin/java /usr/lib/jvm/*-"$MIN_JAVA"-*/bin/java; do
    if is_java_ok "$candidate"; then
      printf '%s\n' "$candidate"
      return
    fi
  done
  if candidate=$(command -v java) && is_java_ok "$candidate"; then
    printf '%s\n' "$candidate"
    return
  fi
  die "JDK $MIN_JAVA or newer not found (checked TRELLIS_JAVA, JAVA_HOME, /usr/lib/jvm, PATH): install one (e.g. Debian package temurin-$MIN_JAVA-jdk) and set TRELLIS_JAVA=/path/to/bin/java"
}

module_classpath() {
  local module=$1 classes lib cp m
  if [[ -n ${TRELLIS_CLASSPATH:-} ]]; then
    printf '%s\n' "$TRELLIS_CLASSPATH"
    return
  fi
  classes=$TRELLIS_REPO/$module/target/classes
  lib=$TRELLIS_REPO/$module/target/lib
  [[ -d $classes && -d $lib ]] \
    || die "$classes (and $lib/) not found: run ./mvnw -B package -DskipTests first (in $TRELLIS_REPO)"
  cp=$classes
  # The reactor's own modules' classes go before target/lib: the trellis-*.jar copies there may
  # be older snapshots from ~/.m2.
  for m in protocol native-tun engine coordinator relay daemon cli; do
    if [[ $m != "$module" && -d $TRELLIS_REPO/$m/target/classes ]]; then
      cp="$cp:$TRELLIS_REPO/$m/target/classes"
    fi
  done
  printf '%s\n' "$cp:$lib/*"
}
