filedesc://x.arc 0.0.0.0 20240501000000 text/plain 4
1 0 

http://example.org/ 0.0.0.0 20240501000000 text/html 40
HTTP/1.0 200 OK
Content-Type: text/html

<p>x</p>
