#!/bin/sh
# As the distribution's jmeter.sh: the same launcher (bin/jmeter), under the other name users type.
exec "$(dirname "$0")/jmeter" "$@"
