import asyncio
switches = 0
async def player(n):
    global switches
    for i in range(n):
        switches = switches + 1
        await asyncio.sleep(0)
async def main():
    await asyncio.gather(player(500000), player(500000))
    print(switches)
asyncio.run(main())
