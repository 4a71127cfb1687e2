# device
# Connecting a device (a TV, a command-line tool) by typing the code it shows.

device-title = Connect a device
device-intro = Enter the code shown on your device.
device-code-label = Code
device-continue = Continue
device-error-wrong = That code is not valid. Check the code on your device and try again.
device-error-expired = That code has expired. Start again on your device to get a new one.
device-error-answered = That code has already been used. Start again on your device.
device-error-no-longer-waiting = This code has expired or was already answered. Start again on your device.
# The page after the person allowed a device.
device-connected-title = Device connected
device-connected = You can return to your device. It will be signed in in a few seconds.
# The page after the person denied a device.
device-denied-title = Access denied
device-denied = You denied the request. You can return to your device.
