"""The files we write into the images (`cluster.nodes.images`): configuration and one small app.

All of it is written here from the behaviour the pages document (ports, paths, the echo server's
response format, the guestbook's requests); none of it is taken from the upstream images.
A path ending in "/" is an empty folder.
"""

from __future__ import annotations

BUSYBOX_ROOT = (
    ("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
    ("/etc/group", "root:x:0:\nnogroup:x:65534:\n"),
    ("/tmp/", ""),
    ("/root/", ""),
)

_NGINX_COMMON = """\
user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log /dev/stderr;
events {
    worker_connections 256;
}
"""

NGINX_SLIM = (
    ("/etc/nginx/nginx.conf", _NGINX_COMMON + """\
http {
    include /etc/nginx/mime.types;
    access_log /dev/stdout;
    server {
        listen 80;
        root /usr/share/nginx/html;
        index index.html;
    }
}
"""),
    ("/usr/share/nginx/html/", ""),
)

# The echo server's answer, in the documented format: the values come from the request as the
# network delivered it ($remote_addr is the address the packet arrived from, after any NAT).
ECHO_SERVER = (
    ("/etc/nginx/echo.conf", _NGINX_COMMON + """\
http {
    access_log /dev/stdout;
    map $server_protocol $request_version {
        ~^HTTP/(?<number>.*)$ $number;
        default $server_protocol;
    }
    server {
        listen 8080;
        location / {
            default_type text/plain;
            return 200 "\\n\\nHostname: $hostname\\n\\nPod Information:\\n\\t-no pod information available-\\n\\n\
Server values:\\n\\tserver_version=nginx: $nginx_version\\n\\n\
Request Information:\\n\\tclient_address=$remote_addr\\n\\tmethod=$request_method\\n\\treal path=$uri\\n\
\\tquery=$query_string\\n\\trequest_version=$request_version\\n\\trequest_scheme=$scheme\\n\
\\trequest_uri=$scheme://$http_host$request_uri\\n\\n\
Request Headers:\\n\\taccept=$http_accept\\n\\thost=$http_host\\n\\tuser-agent=$http_user_agent\\n\\n\
Request Body:\\n\\t-no body in request-\\n\\n";
        }
    }
}
"""),
)

_REDIS_COMMON = """\
bind 0.0.0.0
protected-mode no
port 6379
daemonize no
logfile ""
dir /tmp
"""

REDIS_LEADER = (("/etc/redis/lab.conf", _REDIS_COMMON),)
# The follower replicates from the leader's Service, by its cluster DNS name.
REDIS_FOLLOWER = (("/etc/redis/lab.conf", _REDIS_COMMON + "replicaof redis-leader 6379\n"),)

_GUESTBOOK_PHP = """\
<?php
// The guestbook's API: ?cmd=set&key=K&value=V writes to the leader, ?cmd=get&key=K reads from a follower.
header('Content-Type: application/json');
$host = function ($service) {
    return getenv('GET_HOSTS_FROM') === 'env' ? getenv(strtoupper(str_replace('-', '_', $service)) . '_SERVICE_HOST') : $service;
};
$key = isset($_GET['key']) ? $_GET['key'] : 'messages';
$redis = new Redis();
if (isset($_GET['cmd']) && $_GET['cmd'] === 'set') {
    $redis->connect($host('redis-leader'), 6379);
    $redis->set($key, isset($_GET['value']) ? $_GET['value'] : '');
    echo json_encode(array('message' => 'Updated'));
} else {
    $redis->connect($host('redis-follower'), 6379);
    echo json_encode(array('data' => (string) $redis->get($key)));
}
"""

_GUESTBOOK_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Guestbook</title></head>
<body>
<h1>Guestbook</h1>
<form id="entry"><input id="message" name="message" autocomplete="off"> <button>Submit</button></form>
<pre id="messages"></pre>
<script>
const show = () => fetch('guestbook.php?cmd=get&key=messages').then(r => r.json())
  .then(j => { document.getElementById('messages').textContent = j.data.split(',').filter(Boolean).join('\\n'); });
document.getElementById('entry').addEventListener('submit', event => {
  event.preventDefault();
  const now = document.getElementById('messages').textContent.split('\\n').filter(Boolean);
  now.push(document.getElementById('message').value);
  fetch('guestbook.php?cmd=set&key=messages&value=' + encodeURIComponent(now.join(','))).then(show);
});
show();
</script>
</body>
</html>
"""

GUESTBOOK_FRONTEND = (
    ("/var/www/html/guestbook.php", _GUESTBOOK_PHP),
    ("/var/www/html/index.html", _GUESTBOOK_HTML),
)
