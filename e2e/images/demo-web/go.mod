module slipway.local/demo-web

go 1.22
