package fsutil

const openHint = " (is a file in it open in another program? Close it and run again)"
