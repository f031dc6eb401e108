import asyncio
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
async def main():
    await asyncio.sleep(0)
    print(fib(36))
asyncio.run(main())
