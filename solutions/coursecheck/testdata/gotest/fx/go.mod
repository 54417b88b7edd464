module fx

go 1.25.0
