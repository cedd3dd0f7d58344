#!/bin/sh
. "$(dirname "$0")/tap.sh"
pass placeholder
tap_finish
