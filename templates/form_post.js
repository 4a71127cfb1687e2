// Submits the form_post response automatically; the page works without it (a Continue button).
document.getElementById("form-post").submit();
