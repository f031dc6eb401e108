import asyncio
async def job(i):
    return i
async def main():
    tasks = [asyncio.create_task(job(i)) for i in range(300000)]
    total = 0
    for t in tasks:
        total = total + await t
    print(total)
asyncio.run(main())
