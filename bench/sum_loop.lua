i = 0
total = 0
while i < 3000000 do
  total = total + i
  i = i + 1
end
print(total)
