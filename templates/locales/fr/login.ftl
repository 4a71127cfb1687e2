# login
