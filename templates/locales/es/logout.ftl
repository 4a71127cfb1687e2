# logout
