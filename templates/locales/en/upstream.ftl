# upstream
upstream-error-not-this-sign-in = The answer from { $upstream } does not belong to this sign-in. Go back to the application and start again.
upstream-error-no-account = Your { $upstream } account is not linked to an account here, and none can be made for it. Sign in another way, or ask your administrator.
