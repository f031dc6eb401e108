# bench/net: the asyncio equivalent of http_server.scr, with only the standard library: HTTP/1.1 with
# keep-alive over asyncio streams (the standard library has no async HTTP server).
import asyncio, os

served = 0

async def handle(reader, writer):
    global served
    try:
        while True:
            head = await reader.readuntil(b'\r\n\r\n')
            lines = head.decode('latin-1').split('\r\n')
            method, path, version = lines[0].split(' ', 2)
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(':')
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get('content-length', '0'))
            body = await reader.readexactly(length) if length else b''
            served += 1
            payload = b'hello, world\n'
            writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: '
                         + str(len(payload)).encode() + b'\r\n\r\n' + payload)
            await writer.drain()
            if headers.get('connection', '').lower() == 'close':
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()

async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', int(os.environ['PORT']))
    async with server:
        await server.serve_forever()

asyncio.run(main())
