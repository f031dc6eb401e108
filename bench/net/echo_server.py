# bench/net: the asyncio equivalent of echo_server.scr (streams, as the asyncio docs' echo server).
import asyncio, os

async def echo(reader, writer):
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(echo, '127.0.0.1', int(os.environ['PORT']))
    async with server:
        await server.serve_forever()

asyncio.run(main())
